"""The conduct checklist: versioned templates, each visit's copy, answers, photos."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fieldservice.i18n import pick_active
from visits.lifecycle.models import Visit, VisitKind


class ChecklistStage(models.TextChoices):
    """Where in the visit an item belongs (docs/rules.md, by stage)."""

    BEFORE_DEPARTURE = "before_departure", _("Before departure")
    AT_THE_DOOR = "at_the_door", _("At the door")
    IN_THE_HOME = "in_the_home", _("In the home")
    WORK = "work", _("Work")
    CLEAN_UP = "clean_up", _("Clean-up")
    DEPARTURE = "departure", _("Departure")


class ItemKind(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    PHOTO = "photo", _("Photo required")
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")


class ItemCondition(models.TextChoices):
    """When a required item is required. Decided at booking from the work order's
    area tier and copied onto the visit (rules.item_is_required)."""

    ALWAYS = "always", _("Always")
    URBAN_ONLY = (
        "urban_only",
        _(
            "Required for county/city/district-and-above customers, optional for township/rural"
        ),
    )


class ChecklistTemplate(models.Model):
    """One published version of the conduct checklist for a kind of visit.

    A template is edited while it is a draft; publishing freezes it. Visits copy
    the items of the newest published version when they are booked.
    """

    name = models.CharField(_("name"), max_length=100)
    visit_kind = models.CharField(
        _("visit kind"),
        max_length=16,
        choices=VisitKind.choices,
        blank=True,
        help_text=_("Empty: used for every kind without a template of its own."),
    )
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["visit_kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit_kind", "version"],
                name="checklist_template_version_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("template"),
    )
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Stable name of the item across versions."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ChecklistStage.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    is_required = models.BooleanField(_("required"), default=True)
    condition = models.CharField(
        _("required when"),
        max_length=16,
        choices=ItemCondition.choices,
        default=ItemCondition.ALWAYS,
    )
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice items: [{"value": "...", "zh": "...", "en": "..."}].'),
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    source = models.CharField(
        _("rule source"),
        max_length=100,
        blank=True,
        help_text=_("Where the rule comes from, e.g. home-visit rules 4.1 (004:L208)."),
    )

    class Meta:
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template items")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "code"],
                name="checklist_item_code_unique_per_template",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ItemKind.values),
                name="checklist_item_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text_en}"


class VisitChecklistItemQuerySet(models.QuerySet):
    def with_photo_count(self):
        return self.annotate(photo_count=models.Count("photos"))


class VisitChecklistItem(models.Model):
    """A visit's own copy of a checklist item, frozen when the visit is booked.

    `is_required` is already decided for this visit's customer (the shoe-cover
    rule depends on the area tier), so later edits change nothing here.
    """

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        related_name="checklist",
        verbose_name=_("visit"),
    )
    template_item = models.ForeignKey(
        ChecklistTemplateItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template item"),
    )
    code = models.SlugField(_("code"), max_length=50)
    stage = models.CharField(_("stage"), max_length=20, choices=ChecklistStage.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    text_zh = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    is_required = models.BooleanField(_("required"))
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=3, null=True, blank=True
    )

    objects = VisitChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit checklist item")
        verbose_name_plural = _("visit checklist items")
        ordering = ["visit", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "code"], name="visit_checklist_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.code}"

    @property
    def text(self) -> str:
        """The item's text in the language of the current request."""
        return pick_active(self.text_zh, self.text_en)


class ChecklistAnswer(models.Model):
    """The technician's answer to one item of one visit. Written by an idempotent
    upsert; `version` grows with every change and is the item's ETag."""

    item = models.OneToOneField(
        VisitChecklistItem,
        on_delete=models.PROTECT,
        related_name="answer",
        verbose_name=_("item"),
    )
    value = models.JSONField(_("value"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    captured_at = models.DateTimeField(
        _("captured on the device at"), null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")

    def __str__(self) -> str:
        return f"{self.item} = {self.value!r}"


def photo_display_path(photo: "Photo", filename: str) -> str:
    return f"photos/{photo.visit_id}/{photo.sha256}.jpg"


def photo_thumbnail_path(photo: "Photo", filename: str) -> str:
    return f"photos/{photo.visit_id}/{photo.sha256}.thumb.jpg"


class Photo(models.Model):
    """Photo evidence, re-encoded on upload: no metadata survives."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="photos", verbose_name=_("visit")
    )
    item = models.ForeignKey(
        VisitChecklistItem,
        on_delete=models.PROTECT,
        related_name="photos",
        null=True,
        blank=True,
        verbose_name=_("checklist item"),
    )
    # Plain file fields: the files were made by the photo pipeline, and
    # ImageField would decode them again just to read their size.
    image = models.FileField(_("image"), upload_to=photo_display_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_thumbnail_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    byte_size = models.PositiveIntegerField(_("size in bytes"))
    source_format = models.CharField(_("uploaded format"), max_length=8)
    captured_at = models.DateTimeField(
        _("captured on the device at"), null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.sha256[:12]}"
