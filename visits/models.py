"""Every model of the visits app, for Django and the migrations.

The models live in their sub-domain packages (visits.lifecycle.models, …) under
the one `visits` app label, so tables and migrations are those of a single app.
Code inside the app imports a package's models from that package, not from here.
"""

from visits.calls.models import (  # noqa: F401
    Call,
    CallOutcome,
    CallState,
    CallWebhook,
    RescheduleRequest,
)
from visits.checklists.models import (  # noqa: F401
    ChecklistAnswer,
    ChecklistStage,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ItemCondition,
    ItemKind,
    Photo,
    VisitChecklistItem,
    VisitChecklistItemQuerySet,
    photo_display_path,
    photo_thumbnail_path,
)
from visits.complaints.models import (  # noqa: F401
    Complaint,
    ComplaintSource,
    ComplaintState,
    Holiday,
)
from visits.lifecycle.models import (  # noqa: F401
    LeaveReason,
    TemporaryLeave,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitKind,
    VisitQuerySet,
    WorkOrder,
    WorkOrderQuerySet,
    WorkOrderSequence,
)
from visits.scorecard.models import (  # noqa: F401
    ServiceReview,
    ServiceReviewState,
)
from visits.signoffs.models import (  # noqa: F401
    ConductConfirmation,
    ConsentStatement,
    Promotion,
    SignOff,
    SignOffChainHead,
    SignOffChannel,
    SignOffLink,
    SignOffReceipt,
    receipt_path,
    signature_path,
)
