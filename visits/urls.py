"""The visits app's URLs: each sub-domain's API under /api/v1/, and its public
pages at the site's root."""

from django.urls import include, path

from visits.calls import urls as calls
from visits.checklists import urls as checklists
from visits.complaints import urls as complaints
from visits.console import urls as console
from visits.lifecycle import urls as lifecycle
from visits.phone import urls as phone
from visits.scorecard import urls as scorecard
from visits.signoffs import urls as signoffs

urlpatterns = [
    *lifecycle.urlpatterns,
    *checklists.urlpatterns,
    *signoffs.urlpatterns,
    *calls.urlpatterns,
    *complaints.urlpatterns,
    path("console/", include(console.urlpatterns)),
    path("scorecard/", include(scorecard.urlpatterns)),
]

# The dispatcher's console, mounted at /console/ with the admin's login.
console_page_urlpatterns = [
    *console.page_urlpatterns,
    *scorecard.page_urlpatterns,
]

public_urlpatterns = [
    *phone.urlpatterns,
    *signoffs.public_urlpatterns,
    *calls.public_urlpatterns,
]
