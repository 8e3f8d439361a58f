"""Sign-off records (read-only for every role), promotions and consent."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.admin import DispatcherOnlyAdminMixin
from fieldservice.admin import (
    LargeListAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
)
from visits.signoffs.models import (
    ConductConfirmation,
    ConsentStatement,
    Promotion,
    SignOff,
)


class EvidenceMedia:
    css = {"all": ["visits/admin.css"]}


class ConductInline(DispatcherOnlyAdminMixin, ReadOnlyInline):
    model = ConductConfirmation
    fields = ["code", "question", "is_confirmed", "comment"]
    readonly_fields = fields
    ordering = ["id"]
    Media = EvidenceMedia

    @admin.display(description=_("question"))
    def question(self, confirmation: ConductConfirmation):
        if confirmation.is_confirmed:
            return confirmation.text
        return format_html(
            '<span class="fs-contested">{} <strong>{}</strong></span>',
            confirmation.text,
            _("Contested"),
        )


@admin.register(SignOff)
class SignOffAdmin(
    DispatcherOnlyAdminMixin,
    LargeListAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
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
    search_fields = ["^visit__work_order__number", "signer_name", "=snapshot_sha256"]
    list_select_related = ["visit__work_order"]
    inlines = [ConductInline]
    readonly_fields = [
        "number",
        "visit",
        "signed_at",
        "signer_name",
        "channel",
        "has_contested_conduct",
        "contested_items",
        "signature_image",
        "recorded_by",
        "consent_version",
        "snapshot_sha256",
        "signature_sha256",
        "previous_chain_hash",
        "chain_hash",
        "snapshot",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields[:10]}),
        (
            _("Tamper evidence"),
            {"classes": ["collapse"], "fields": readonly_fields[10:]},
        ),
    ]
    Media = EvidenceMedia

    def get_urls(self):
        return [
            path(
                "<int:pk>/signature.png",
                self.admin_site.admin_view(self.signature_view),
                name="visits_signoff_signature",
            ),
            *super().get_urls(),
        ]

    def signature_view(self, request, pk: int):
        """The signature image, for those who may see the record."""
        record = get_object_or_404(SignOff, pk=pk)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        try:
            stream = record.signature.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("The signature image is missing.")) from error
        response = FileResponse(stream, content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400, immutable"
        return response

    @admin.display(description=_("signature image"))
    def signature_image(self, record: SignOff):
        url = reverse("admin:visits_signoff_signature", args=[record.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">'
            '<img class="fs-signature" src="{}" alt="{}"></a>',
            url,
            url,
            _("Signature of %(name)s") % {"name": record.signer_name},
        )

    @admin.display(description=_("contested conduct items"))
    def contested_items(self, record: SignOff):
        contested = [item for item in record.conduct.all() if not item.is_confirmed]
        if not contested:
            return _("None: the customer confirmed every item.")
        return format_html(
            '<ul class="fs-contested-list">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong> {}</li>",
                (
                    (
                        item.text,
                        _("Comment: %(comment)s") % {"comment": item.comment}
                        if item.comment
                        else _("No comment"),
                    )
                    for item in contested
                ),
            ),
        )


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
