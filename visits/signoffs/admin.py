"""Sign-off records (read-only for every role), promotions and consent."""

from django.contrib import admin

from fieldservice.admin import ReadOnlyAdminMixin, ReadOnlyInline
from visits.signoffs.models import (
    ConductConfirmation,
    ConsentStatement,
    Promotion,
    SignOff,
)


class ConductInline(ReadOnlyInline):
    model = ConductConfirmation
    fields = ["code", "text", "is_confirmed", "comment"]
    readonly_fields = fields


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Signed records are read-only for every role: the database refuses
    changes, and `verify_signoffs` reports any made behind its back."""

    list_display = [
        "number",
        "visit",
        "signer_name",
        "channel",
        "signed_at",
        "has_contested_conduct",
    ]
    list_filter = [
        "has_contested_conduct",
        "channel",
        ("signed_at", admin.DateFieldListFilter),
    ]
    search_fields = ["visit__work_order__number", "signer_name", "snapshot_sha256"]
    list_select_related = ["visit__work_order"]
    inlines = [ConductInline]
    readonly_fields = [
        "number",
        "visit",
        "signed_at",
        "signer_name",
        "channel",
        "consent_version",
        "snapshot_sha256",
        "signature_sha256",
        "previous_chain_hash",
        "chain_hash",
        "has_contested_conduct",
        "recorded_by",
        "signature",
        "snapshot",
    ]
    fields = readonly_fields


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "title_en", "valid_from", "valid_until"]
    date_hierarchy = "valid_from"


@admin.register(ConsentStatement)
class ConsentStatementAdmin(admin.ModelAdmin):
    """A statement customers have signed is never edited: publish a new version."""

    list_display = ["version", "published_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return (
            obj is None
            or not SignOff.objects.filter(consent_version=obj.version).exists()
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)
