from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first successful answer to a write sent with an Idempotency-Key, so a
    phone that retries (or replays its offline queue) gets that answer again
    instead of a second effect. Kept for IDEMPOTENCY_RETENTION_HOURS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=64,
        help_text=_(
            "SHA-256 of method, path and body: the same key with another body is refused."
        ),
    )
    status_code = models.PositiveSmallIntegerField(_("status code"))
    body = models.JSONField(_("response body"), null=True)
    headers = models.JSONField(_("response headers"), default=dict)
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, db_index=True
    )

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_key_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
