"""HTTP for sign-off on the technician's phone (API) and the documents. The
pages for the customer's own phone and for verification are in pages.py."""

from collections.abc import Callable

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldservice.downloads import FileDownloadApi
from fieldservice.i18n import pick
from fieldservice.idempotency.api import IdempotentWritesMixin
from visits.checklists.models import Photo
from visits.lifecycle.models import Visit
from visits.lifecycle.selectors import visible_visit_or_404
from visits.signoffs import selectors, tasks
from visits.signoffs import services as signoff
from visits.signoffs.models import SignOff


def _visit(request, pk: int) -> Visit:
    return visible_visit_or_404(
        request.user, pk, "work_order__customer", "technician__technician_profile"
    )


class ServiceCardSerializer(serializers.Serializer):
    company_name = serializers.CharField()
    technician_name = serializers.CharField()
    employee_number = serializers.CharField()
    contact_phone = serializers.CharField()
    hotline = serializers.CharField()
    promotion = serializers.DictField(allow_null=True)


class RecordSerializer(serializers.ModelSerializer):
    record_sha256 = serializers.CharField(source="snapshot_sha256")
    contested = serializers.SerializerMethodField()
    receipt_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = SignOff
        fields = [
            "number",
            "signed_at",
            "signer_name",
            "channel",
            "consent_version",
            "record_sha256",
            "signature_sha256",
            "chain_hash",
            "has_contested_conduct",
            "contested",
            "receipt_url",
            "verify_url",
        ]

    def get_contested(self, sign_off: SignOff) -> list[dict]:
        return [
            {"code": row.code, "text": row.text, "comment": row.comment}
            for row in sign_off.conduct.all()
            if not row.is_confirmed
        ]

    def get_receipt_url(self, sign_off: SignOff) -> str:
        return reverse("visit-receipt-pdf", args=[sign_off.visit_id])

    def get_verify_url(self, sign_off: SignOff) -> str:
        return signoff.verify_url(sign_off)


class SignOffQuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class WorkDoneSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField(help_text="The checklist item, in the language.")
    answer = serializers.CharField(help_text="The technician's answer, as text.")
    note = serializers.CharField(allow_blank=True)


class SignOffSummarySerializer(serializers.Serializer):
    work_order_number = serializers.CharField()
    kind = serializers.CharField(help_text="installation or repair")
    kind_label = serializers.CharField()
    customer_name = serializers.CharField()
    address = serializers.CharField()
    request = serializers.CharField(
        allow_blank=True, help_text="The fault or request: the work order's text."
    )
    work_done = WorkDoneSerializer(
        many=True,
        help_text="What the technician recorded in the checklist's work stage.",
    )
    appointed_start = serializers.DateTimeField()
    arrived_at = serializers.DateTimeField(allow_null=True)
    work_started_at = serializers.DateTimeField(allow_null=True)
    work_done_at = serializers.DateTimeField(allow_null=True)
    technician_name = serializers.CharField()
    employee_number = serializers.CharField()


class SignOffPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item_code = serializers.CharField(allow_blank=True)
    item_text = serializers.CharField(
        allow_blank=True, help_text="The checklist item, empty for the whole visit."
    )
    stage = serializers.CharField(allow_blank=True)
    stage_label = serializers.CharField(allow_blank=True)
    captured_at = serializers.DateTimeField()
    thumbnail_url = serializers.CharField()


class SignOffFormSerializer(serializers.Serializer):
    state = serializers.CharField()
    language = serializers.CharField()
    summary = SignOffSummarySerializer()
    photos = SignOffPhotoSerializer(many=True)
    questions = SignOffQuestionSerializer(many=True)
    consent = serializers.DictField()
    service_card = ServiceCardSerializer()
    record = RecordSerializer(allow_null=True)


def _api_thumbnail(photo: Photo) -> str:
    return reverse("photo-thumbnail", args=[photo.id])


def sign_off_form(
    visit: Visit,
    *,
    language: str | None = None,
    thumbnail_url: Callable[[Photo], str] = _api_thumbnail,
) -> dict:
    """What the signing screen shows, in `language` (the customer's by
    default). Expects the visit with `work_order__customer` and
    `technician__technician_profile` loaded."""
    language = language or visit.work_order.customer.language
    consent = signoff.current_consent()
    record = SignOff.objects.filter(visit=visit).prefetch_related("conduct").first()
    with translation.override(language):
        return {
            "state": visit.state,
            "language": language,
            "summary": selectors.sign_off_summary(visit, language=language),
            "photos": selectors.sign_off_photos(
                visit, language=language, thumbnail_url=thumbnail_url
            ),
            "questions": signoff.conduct_questions(visit, language=language),
            "consent": {
                "version": consent.version,
                "text": pick(language, consent.text_zh, consent.text_en),
            },
            "service_card": signoff.service_card_of(visit, language=language),
            "record": record,
        }


@extend_schema_serializer(
    component_name="SignOffInput",
    examples=[
        OpenApiExample(
            "Signed on the technician's phone",
            value={
                "signer_name": "刘洋",
                "signature": "data:image/png;base64,iVBORw0KGgo…",
                "consent_version": "2026-11",
                "conduct": [
                    {"code": "show_work_id", "confirmed": True},
                    {"code": "shoe_covers", "confirmed": True},
                    {"code": "site_clean", "confirmed": False, "comment": "地上有线头"},
                ],
            },
        )
    ],
)
class SignOffInputSerializer(serializers.Serializer):
    signer_name = serializers.CharField(max_length=100)
    signature = serializers.CharField(
        help_text="PNG of the finger-drawn signature: base64 or a data: URL."
    )
    consent_version = serializers.CharField(
        max_length=20,
        help_text="Version of the consent statement the customer accepted.",
    )
    conduct = serializers.ListField(child=serializers.DictField(), allow_empty=True)

    def to_input(self) -> signoff.SignOffInput:
        data = self.validated_data
        return signoff.SignOffInput(
            signer_name=data["signer_name"],
            signature_png=signoff.signature_from_base64(data["signature"]),
            consent_version=data["consent_version"],
            conduct=data["conduct"],
        )


class SignOffApi(IdempotentWritesMixin, APIView):
    @extend_schema(responses=SignOffFormSerializer)
    def get(self, request, pk: int):
        """The signing screen: what the customer signs for (summary and
        evidence photos), conduct questions, consent statement, service card,
        and the record once signed. In the customer's language."""
        return Response(SignOffFormSerializer(sign_off_form(_visit(request, pk))).data)

    @extend_schema(request=SignOffInputSerializer, responses={201: RecordSerializer})
    def post(self, request, pk: int):
        """The customer signs on the technician's phone. Freezes the record."""
        visit = _visit(request, pk)
        serializer = SignOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sign_off = signoff.visit_sign_off(
            visit=visit,
            by=request.user,
            data=serializer.to_input(),
            on_signed=tasks.render_receipt_after_commit,
        )
        return Response(RecordSerializer(sign_off).data, status=status.HTTP_201_CREATED)


class SignOffLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()


class SignOffLinkApi(IdempotentWritesMixin, APIView):
    @extend_schema(request=None, responses={201: SignOffLinkSerializer})
    def post(self, request, pk: int):
        """A single-use link for the customer to sign on their own phone."""
        visit = _visit(request, pk)
        link, token = signoff.sign_off_link_create(visit=visit, by=request.user)
        url = request.build_absolute_uri(reverse("sign", args=[token]))
        body = SignOffLinkSerializer({"url": url, "expires_at": link.expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _as_private_pdf(response, filename: str):
    """Shown in the browser, never kept by a cache on the way: a signed record
    carries the customer's name and signature."""
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return _as_private_pdf(
        HttpResponse(content, content_type="application/pdf"), filename
    )


def stored_pdf_response(stream, sha256: str, filename: str) -> FileResponse:
    """A PDF streamed from storage, with the same private, uncached policy."""
    response = _as_private_pdf(
        FileResponse(stream, content_type="application/pdf"), filename
    )
    response["ETag"] = f'"{sha256}"'
    return response


def receipt_response(sign_off: SignOff, filename: str) -> FileResponse:
    stream, receipt = signoff.receipt_open(sign_off)
    return stored_pdf_response(stream, receipt.sha256, filename)


class ServiceCardApi(APIView):
    @extend_schema(responses=ServiceCardSerializer)
    def get(self, request, pk: int):
        """The visit's service card: frozen at sign-off, else as it is today."""
        return Response(signoff.service_card_of(_visit(request, pk)))


class ServiceCardPdfApi(FileDownloadApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        visit = _visit(request, pk)
        return pdf_response(
            signoff.service_card_pdf(visit), f"service-card-{visit.pk}.pdf"
        )


class ReceiptPdfApi(FileDownloadApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The signed work-order receipt, with a link to verify it."""
        visit = _visit(request, pk)
        sign_off = SignOff.objects.filter(visit=visit).first()
        if sign_off is None:
            raise Http404
        return receipt_response(sign_off, f"{visit.work_order.number}.pdf")
