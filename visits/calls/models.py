"""Calls to customers (reminders, follow-up), what they answered on the
keypad, and the reschedule requests they made."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fieldservice.choices import labelled
from visits.calls.rules import CallPurpose
from visits.lifecycle.models import Visit

CALL_PURPOSE_CHOICES = labelled(
    CallPurpose,
    {
        CallPurpose.REMINDER_DAY_BEFORE: _("Reminder the day before"),
        CallPurpose.REMINDER_BEFORE_ARRIVAL: _("Reminder before arrival"),
        CallPurpose.FOLLOW_UP: _("Follow-up call"),
        CallPurpose.BOOKING_NOTICE: _("Booking notice"),
    },
)


class CallState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("call state", "Scheduled")
    QUEUED = "queued", _("Queued")
    PLACING = "placing", _("Being placed")
    PLACED = "placed", _("Placed")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped (no longer useful)")


class CallOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed the appointment")
    RESCHEDULE_REQUESTED = "reschedule_requested", _("Asked for a new time")
    RATED = "rated", _("Rated the visit")
    NO_ANSWER = "no_answer", _("No answer")
    NO_VALID_INPUT = "no_valid_input", _("No valid keypad answer")
    BUSY = "busy", _("Line busy")


class CallBackOutcome(models.TextChoices):
    """What came of a dispatcher's call-back after a call that failed."""

    CONFIRMED = "confirmed", _("Reached: confirmed the appointment")
    RESCHEDULE_REQUESTED = "reschedule_requested", _("Reached: asked for a new time")
    RATED = "rated", _("Reached: rated the visit")
    NOT_REACHED = "not_reached", _("Not reached")


# Calls a dispatcher follows up by hand: failed ones, and answered ones where the
# customer gave no valid keypad answer. A recorded call-back takes them out.
NEEDS_CALL_BACK = (
    models.Q(state=CallState.FAILED)
    | models.Q(
        state=CallState.COMPLETED,
        outcome__in=[CallOutcome.NO_ANSWER, CallOutcome.NO_VALID_INPUT],
    )
) & models.Q(called_back_at__isnull=True)


class Call(models.Model):
    """One call to make: a row first (written with the booking or sign-off that
    causes it), then a task. The beat scan claims due rows; the task places the
    call at most once; webhooks record what the customer pressed."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="calls", verbose_name=_("visit")
    )
    purpose = models.CharField(
        _("purpose"), max_length=24, choices=CALL_PURPOSE_CHOICES
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=CallState.choices,
        default=CallState.SCHEDULED,
    )
    due_at = models.DateTimeField(_("due at"))
    to_phone = models.CharField(_("phone"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    provider_call_id = models.CharField(
        _("provider's call id"), max_length=64, null=True, blank=True, unique=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=CallOutcome.choices, blank=True
    )
    digits = models.CharField(_("keys pressed"), max_length=50, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    something_wrong = models.BooleanField(
        _("something was wrong"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called back by"),
    )
    call_back_outcome = models.CharField(
        _("call-back outcome"),
        max_length=24,
        choices=CallBackOutcome.choices,
        blank=True,
    )
    call_back_note = models.CharField(_("call-back note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["due_at", "id"]
        indexes = [
            # The call lists' order (read backwards), whole and by state; the
            # admin's exact search by phone (E.164).
            models.Index(fields=["due_at", "id"], name="call_list_order"),
            models.Index(
                fields=["state", "due_at", "id"], name="call_state_list_order"
            ),
            models.Index(fields=["to_phone"], name="call_to_phone"),
            # The scan reads only due, scheduled rows: its cost follows them, not the table.
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="scheduled"),
                name="call_scheduled_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=1, rating__lte=5),
                name="call_rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.visit_id} @ {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def needs_call_back(self) -> bool:
        """The row form of NEEDS_CALL_BACK."""
        if self.called_back_at is not None:
            return False
        return self.state == CallState.FAILED or (
            self.state == CallState.COMPLETED
            and self.outcome in (CallOutcome.NO_ANSWER, CallOutcome.NO_VALID_INPUT)
        )


class CallWebhook(models.Model):
    """Every provider callback received, once per call: a replayed callback
    (the same provider event for the same call) is recognised and has no second
    effect. The key is scoped to the call of the URL, so a callback that names
    no provider call id can never be taken for another call's."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("call")
    )
    event_key = models.CharField(_("event key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("call webhook")
        verbose_name_plural = _("call webhooks")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "event_key"], name="call_webhook_once_per_call"
            )
        ]

    def __str__(self) -> str:
        return self.event_key


class RescheduleRequest(models.Model):
    """The customer pressed 2 on a reminder: the dispatcher finds a new time (改约)."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        related_name="reschedule_requests",
        verbose_name=_("visit"),
    )
    call = models.OneToOneField(
        Call,
        on_delete=models.PROTECT,
        related_name="reschedule_request",
        null=True,
        blank=True,
        verbose_name=_("call"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("reschedule request")
        verbose_name_plural = _("reschedule requests")
        ordering = ["requested_at", "id"]
        # The list's order: without it a page joins every visit before sorting.
        indexes = [
            models.Index(
                fields=["requested_at", "id"], name="reschedule_request_list_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.requested_at:%Y-%m-%d %H:%M}"
