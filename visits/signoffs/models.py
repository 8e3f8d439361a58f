"""Sign-off: the frozen, chained record of a visit, and the service card."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from visits.lifecycle.models import Visit


class Promotion(models.Model):
    """The seasonal leaflet of the service card (时令性宣传页, docs/rules.md#service-card)."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100)
    body_zh = models.TextField(_("text (Chinese)"), max_length=500)
    body_en = models.TextField(_("text (English)"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), help_text=_("Last day, inclusive.")
    )

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="promotion_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title_zh} ({self.valid_from} to {self.valid_until})"


class ConsentStatement(models.Model):
    """What the customer agrees to by signing. Its version and text are copied
    into every sign-off record."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent statement")
        verbose_name_plural = _("consent statements")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.version


class SignOffChannel(models.TextChoices):
    TECHNICIAN_DEVICE = "technician_device", _("On the technician's phone")
    CUSTOMER_LINK = "customer_link", _("On the customer's phone, by link")


class SignOffLink(models.Model):
    """A single-use link that lets the customer sign on their own phone without
    an account. Only the SHA-256 of its token is stored."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        related_name="sign_off_links",
        verbose_name=_("visit"),
    )
    token_sha256 = models.CharField(_("token SHA-256"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-off link")
        verbose_name_plural = _("sign-off links")

    def __str__(self) -> str:
        return f"{self.visit_id} until {self.expires_at:%Y-%m-%d %H:%M}"


def signature_path(record: "SignOff", filename: str) -> str:
    return f"signatures/{record.visit_id}/{record.signature_sha256}.png"


class SignOff(models.Model):
    """The customer's signature on a visit, frozen and tamper-evident.

    `snapshot` is the canonical JSON text of everything the signature covers,
    stored exactly as hashed. `chain_hash` = SHA-256 of the previous record's
    chain hash, this snapshot's hash and the signature's hash, so removing or
    changing any record breaks every later link. The database refuses to
    update or delete these rows (on SQLite: update).
    """

    visit = models.OneToOneField(
        Visit,
        on_delete=models.PROTECT,
        related_name="sign_off",
        verbose_name=_("visit"),
    )
    number = models.PositiveIntegerField(
        _("record number"), unique=True, help_text=_("Position in the chain, from 1.")
    )
    signed_at = models.DateTimeField(_("signed at"))
    signer_name = models.CharField(_("signer's name"), max_length=100)
    channel = models.CharField(
        _("signed"), max_length=20, choices=SignOffChannel.choices
    )
    consent_version = models.CharField(_("consent version"), max_length=20)
    snapshot = models.TextField(_("signed record (canonical JSON)"))
    snapshot_sha256 = models.CharField(_("record SHA-256"), max_length=64)
    signature = models.FileField(_("signature image"), upload_to=signature_path)
    signature_sha256 = models.CharField(_("signature SHA-256"), max_length=64)
    previous_chain_hash = models.CharField(_("previous chain hash"), max_length=64)
    chain_hash = models.CharField(_("chain hash"), max_length=64, unique=True)
    has_contested_conduct = models.BooleanField(_("conduct contested"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_(
            "The technician whose phone was used; empty for the customer's link."
        ),
    )

    class Meta:
        verbose_name = _("sign-off record")
        verbose_name_plural = _("sign-off records")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.visit}"


class ConductConfirmation(models.Model):
    """The customer's word on one conduct item at sign-off: confirmed or
    contested. A contested item is flagged for the dispatcher."""

    sign_off = models.ForeignKey(
        SignOff,
        on_delete=models.PROTECT,
        related_name="conduct",
        verbose_name=_("sign-off record"),
    )
    code = models.SlugField(_("item"), max_length=50)
    text = models.CharField(_("question"), max_length=300)
    is_confirmed = models.BooleanField(_("confirmed"))
    comment = models.CharField(_("customer's comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("conduct confirmation")
        verbose_name_plural = _("conduct confirmations")
        ordering = ["sign_off", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sign_off", "code"], name="conduct_confirmation_once_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {'✓' if self.is_confirmed else '✗'}"


class SignOffChainHead(models.Model):
    """The end of the sign-off chain: one row, locked while a record is appended
    so that two sign-offs at the same moment get consecutive numbers."""

    SINGLETON_ID = 1
    GENESIS_HASH = "0" * 64

    last_number = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("sign-off chain head")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="chain_head_singleton"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.last_number} {self.last_hash[:12]}"


def receipt_path(receipt: "SignOffReceipt", filename: str) -> str:
    return f"receipts/{receipt.sign_off.visit_id}/{receipt.sha256}.pdf"


class SignOffReceipt(models.Model):
    """The receipt PDF of a sign-off record, rendered once and kept in storage.

    Not part of the record: the PDF is drawn from the frozen snapshot by a
    byte-stable renderer, so it can always be drawn again. `rendered_for` names
    what else it depends on (the layout version, SITE_URL for the verify link
    and TIME_ZONE for the times shown); when that changes, it is drawn again.
    """

    sign_off = models.OneToOneField(
        SignOff,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="receipt",
        verbose_name=_("sign-off record"),
    )
    file = models.FileField(_("receipt PDF"), upload_to=receipt_path)
    sha256 = models.CharField(_("receipt SHA-256"), max_length=64)
    rendered_for = models.CharField(_("rendered for"), max_length=64)
    rendered_at = models.DateTimeField(_("rendered at"))

    class Meta:
        verbose_name = _("stored receipt")
        verbose_name_plural = _("stored receipts")

    def __str__(self) -> str:
        return f"#{self.sign_off_id} {self.sha256[:12]}"
