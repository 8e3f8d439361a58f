"""The monthly service review: one stored PDF per month."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def review_path(review: "ServiceReview", filename: str) -> str:
    return f"reviews/service-review-{review.month:%Y-%m}.pdf"


class ServiceReviewState(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")


class ServiceReview(models.Model):
    """The PDF for the monthly service review meeting (服务评审会), made on the
    first of the month for the month before, or on demand; made again, it
    replaces the month's file."""

    month = models.DateField(
        _("month"), unique=True, help_text=_("The first day of the month.")
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ServiceReviewState.choices,
        default=ServiceReviewState.PENDING,
    )
    file = models.FileField(_("PDF"), upload_to=review_path, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly service review")
        verbose_name_plural = _("monthly service reviews")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="service_review_first_of_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
