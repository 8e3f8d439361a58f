"""HTTP for sign-off: the technician's phone (API), the customer's own phone
(a signed link to a small page), the documents, and public verification."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldservice.exceptions import ApplicationError
from fieldservice.idempotency import IdempotentWritesMixin
from visits import selectors, signoff
from visits.models import SignOff, SignOffChainHead, Visit


def _visit(request, pk: int) -> Visit:
    return get_object_or_404(
        selectors.visits_visible_to(request.user).select_related(
            "work_order__customer", "technician__technician_profile"
        ),
        pk=pk,
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
        return f"/api/v1/visits/{sign_off.visit_id}/receipt.pdf"

    def get_verify_url(self, sign_off: SignOff) -> str:
        return signoff.verify_url(sign_off)


class SignOffFormSerializer(serializers.Serializer):
    state = serializers.CharField()
    questions = serializers.ListField(child=serializers.DictField())
    consent = serializers.DictField()
    service_card = ServiceCardSerializer()
    record = RecordSerializer(allow_null=True)


def sign_off_form(visit: Visit) -> dict:
    """What the signing screen shows, in the customer's language."""
    language = visit.work_order.customer.language
    consent = signoff.current_consent()
    record = SignOff.objects.filter(visit=visit).prefetch_related("conduct").first()
    with translation.override(language):
        return {
            "state": visit.state,
            "language": language,
            "questions": signoff.conduct_questions(visit),
            "consent": {
                "version": consent.version,
                "text": consent.text_zh
                if language.startswith("zh")
                else consent.text_en,
            },
            "service_card": signoff.service_card_of(visit),
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
        """The signing screen: conduct questions, consent statement, service
        card, and the record once signed."""
        return Response(SignOffFormSerializer(sign_off_form(_visit(request, pk))).data)

    @extend_schema(request=SignOffInputSerializer, responses={201: RecordSerializer})
    def post(self, request, pk: int):
        """The customer signs on the technician's phone. Freezes the record."""
        visit = _visit(request, pk)
        serializer = SignOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sign_off = signoff.visit_sign_off(
            visit=visit, by=request.user, data=serializer.to_input()
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
        url = request.build_absolute_uri(f"/sign/{token}/")
        body = SignOffLinkSerializer({"url": url, "expires_at": link.expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ServiceCardApi(APIView):
    @extend_schema(responses=ServiceCardSerializer)
    def get(self, request, pk: int):
        """The visit's service card: frozen at sign-off, else as it is today."""
        return Response(signoff.service_card_of(_visit(request, pk)))


class ServiceCardPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        visit = _visit(request, pk)
        return _pdf(signoff.service_card_pdf(visit), f"service-card-{visit.pk}.pdf")


class ReceiptPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The signed work-order receipt, with a link to verify it."""
        visit = _visit(request, pk)
        sign_off = SignOff.objects.filter(visit=visit).first()
        if sign_off is None:
            raise Http404
        return _pdf(signoff.receipt_pdf(sign_off), f"{visit.work_order.number}.pdf")


# --- The customer's own phone -----------------------------------------------------


PAGE_MESSAGES = {
    "answer_all_message": _("Please answer every question."),
    "sign_first_message": _("Please sign in the box first."),
    "consent_message": _("Please tick the statement to agree to it."),
}


def _link_page(request, token: str, *, status_code: int = 200, error=None):
    """The page behind a signing link: the form, or the signed documents."""
    try:
        link = signoff.link_find(token)
    except ApplicationError as refusal:
        return render(
            request,
            "visits/sign_error.html",
            {"error": refusal},
            status=refusal.status_code,
        )
    visit = Visit.objects.select_related(
        "work_order__customer", "technician__technician_profile"
    ).get(pk=link.visit_id)
    form = sign_off_form(visit)
    with translation.override(form["language"]):
        if form["record"] is None:
            try:
                signoff.link_check(token)
            except ApplicationError as refusal:
                return render(
                    request,
                    "visits/sign_error.html",
                    {"error": refusal},
                    status=refusal.status_code,
                )
        return render(
            request,
            "visits/sign.html",
            {
                "form": form,
                "visit": visit,
                "error": error,
                # Messages for the page's script, as JavaScript string literals.
                **{
                    name: json.dumps(str(message), ensure_ascii=False)
                    for name, message in PAGE_MESSAGES.items()
                },
            },
            status=status_code,
        )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_page(request, token: str):
    if request.method == "GET":
        return _link_page(request, token)
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return _json_error(_("The request is not valid JSON."), "parse_error", 400)
    serializer = SignOffInputSerializer(data=payload)
    if not serializer.is_valid():
        return _json_error(
            _("Some answers are missing or invalid."),
            "invalid",
            400,
            fields=serializer.errors,
        )
    try:
        link = signoff.link_find(token)
        sign_off = signoff.visit_sign_off(
            visit=link.visit, link_token=token, data=serializer.to_input()
        )
    except ApplicationError as refusal:
        return _json_error(
            refusal.detail, refusal.code, refusal.status_code, **refusal.extra
        )
    return _json(
        {"record": sign_off.number, "record_sha256": sign_off.snapshot_sha256}, 201
    )


def _json(body: dict, status_code: int) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status_code,
        content_type="application/json",
    )


def _json_error(detail, code: str, status_code: int, **extra) -> HttpResponse:
    return _json({"code": code, "detail": str(detail), **extra}, status_code)


def _signed_link_record(token: str) -> SignOff:
    try:
        link = signoff.link_find(token)
    except ApplicationError as refusal:
        raise Http404 from refusal
    sign_off = SignOff.objects.filter(visit_id=link.visit_id).first()
    if sign_off is None or link.used_at is None:
        raise Http404
    return sign_off


@never_cache
@require_GET
def sign_page_receipt(request, token: str):
    sign_off = _signed_link_record(token)
    return _pdf(signoff.receipt_pdf(sign_off), f"receipt-{sign_off.number}.pdf")


@never_cache
@require_GET
def sign_page_service_card(request, token: str):
    sign_off = _signed_link_record(token)
    return _pdf(signoff.service_card_pdf(sign_off.visit), "service-card.pdf")


# --- Anyone holding a receipt ---------------------------------------------------------


@require_GET
def verify_page(request, record_sha256: str):
    """Checks a record against its stored hash and the evidence it covers.
    Shows no personal data: the work-order number, the time and the verdict."""
    sign_off = (
        SignOff.objects.select_related("visit__work_order", "visit__technician")
        .filter(snapshot_sha256=record_sha256.lower())
        .first()
    )
    if sign_off is None:
        return render(request, "visits/verify.html", {"found": False}, status=404)
    previous = SignOff.objects.filter(number=sign_off.number - 1).first()
    previous_hash = previous.chain_hash if previous else SignOffChainHead.GENESIS_HASH
    problems = signoff.verify_record(sign_off, previous_hash=previous_hash)
    return render(
        request,
        "visits/verify.html",
        {"found": True, "sign_off": sign_off, "problems": problems},
    )
