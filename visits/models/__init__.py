"""The visits app's models, one module per part of the visit."""

from .calls import (  # noqa: F401
    Call,
    CallOutcome,
    CallPurpose,
    CallState,
    CallWebhook,
    Complaint,
    ComplaintSource,
    ComplaintState,
    Holiday,
    RescheduleRequest,
)
from .checklist import (  # noqa: F401
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
from .signoff import (  # noqa: F401
    ConductConfirmation,
    ConsentStatement,
    Promotion,
    SignOff,
    SignOffChainHead,
    SignOffChannel,
    SignOffLink,
    signature_path,
)
from .visit import (  # noqa: F401
    TRANSITIONS,
    Actor,
    LeaveReason,
    Punctuality,
    TemporaryLeave,
    Transition,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitKind,
    VisitQuerySet,
    VisitState,
    WorkOrder,
    WorkOrderQuerySet,
    WorkOrderSequence,
)
