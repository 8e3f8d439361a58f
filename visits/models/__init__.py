"""The visits app's models, one module per part of the visit."""

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
    FINAL_STATES,
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
