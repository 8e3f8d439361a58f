"""Complaints on visits with their clocks, and the working-day calendar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.lifecycle.models import Visit
from visits.signoffs.models import ConductConfirmation


class ComplaintSource(models.TextChoices):
    FOLLOW_UP_RATING = "follow_up_rating", _("Low rating on the follow-up call")
    FOLLOW_UP_KEYPAD = (
        "follow_up_keypad",
        _("Said something was wrong on the follow-up call"),
    )
    DISPATCHER = "dispatcher", _("Filed by a dispatcher")
    CUSTOMER = "customer", _("Filed by the customer")


class ComplaintState(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("First response given")
    RESOLVED = "resolved", _("Resolved")


class Complaint(models.Model):
    """A complaint on a visit (投诉), with its clocks (docs/rules.md#complaint-first-response, #complaint-resolution): first
    response within COMPLAINT_FIRST_RESPONSE_HOURS, final resolution within
    COMPLAINT_RESOLUTION_WORKING_DAYS working days."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("visit"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ComplaintSource.choices
    )
    call = models.ForeignKey(
        "visits.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("call"),
    )
    conduct_item = models.ForeignKey(
        ConductConfirmation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("contested conduct item"),
    )
    description = models.TextField(_("description"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ComplaintState.choices,
        default=ComplaintState.OPEN,
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    first_response_due_at = models.DateTimeField(_("first response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(
        _("first responded at"), null=True, blank=True
    )
    response = models.TextField(_("first response"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), default=0
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-opened_at", "id"]
        indexes = [
            models.Index(fields=["state", "first_response_due_at"]),
            # The complaint list's order (read backwards).
            models.Index(fields=["opened_at", "id"], name="complaint_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.visit} {self.get_source_display()}"


class Holiday(models.Model):
    """The working-day calendar: public holidays, and weekend days made working
    days (调休). Data, edited in the admin each year."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked for a weekend day that is worked."),
    )

    class Meta:
        verbose_name = _("holiday or working weekend day")
        verbose_name_plural = _("calendar: holidays and working weekend days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
