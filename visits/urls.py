"""The visits app's URLs: each sub-domain's API under /api/v1/, and its public
pages at the site's root."""

from visits.calls import urls as calls
from visits.checklists import urls as checklists
from visits.complaints import urls as complaints
from visits.lifecycle import urls as lifecycle
from visits.phone import urls as phone
from visits.signoffs import urls as signoffs

urlpatterns = [
    *lifecycle.urlpatterns,
    *checklists.urlpatterns,
    *signoffs.urlpatterns,
    *calls.urlpatterns,
    *complaints.urlpatterns,
]

public_urlpatterns = [
    *phone.urlpatterns,
    *signoffs.public_urlpatterns,
    *calls.public_urlpatterns,
]
