"""Pages for people without an account: the customer signs on their own phone
through a single-use link, and anyone holding a receipt verifies it.

Refusals are answered in the one error shape (fieldservice.errors): as JSON to
the signing page's script, as an error page to a person."""

import json
import logging
import math
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import CompanySettings
from fieldservice.errors import ApplicationError, InvalidInput, answers_refusals
from fieldservice.throttling import client_address
from visits.checklists.models import Photo
from visits.lifecycle.models import Visit
from visits.signoffs import selectors, tasks
from visits.signoffs import services as signoff
from visits.signoffs.api import (
    SignOffFormSerializer,
    SignOffInputSerializer,
    pdf_response,
    receipt_response,
    sign_off_form,
)
from visits.signoffs.models import SignOff, SignOffLink

logger = logging.getLogger(__name__)

ERROR_PAGE = "visits/sign_error.html"
# What a cache that does not answer raises (Redis down; the local cache never).
CACHE_ERRORS = (RedisError, OSError)

# ?lang= on a signing link: the customer's pick, kept in the session per link.
LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}


def _session_key(link: SignOffLink) -> str:
    return f"sign-off-link-{link.pk}-language"


def _page_language(request, link: SignOffLink, customer_language: str) -> str:
    """The language the customer picked for this link (`?lang=zh|en`, kept for
    the session), else their own."""
    picked = LANGUAGES.get(request.GET.get("lang", "").lower())
    if picked:
        request.session[_session_key(link)] = picked
        return picked
    return request.session.get(_session_key(link), customer_language)


def _link_thumbnail(token: str) -> Callable[[Photo], str]:
    return lambda photo: reverse("sign-photo", args=[token, photo.id])


def _link_refusal_page(request, error: ApplicationError, language: str):
    """A link that may no longer show its visit: the reason and the hotline, in
    the page's language (with the switch), nothing personal."""
    return render(
        request,
        ERROR_PAGE,
        {
            "error": error,
            "hotline": CompanySettings.load().customer_service_hotline,
            "language": language,
        },
        status=error.status_code,
    )


@answers_refusals(template=ERROR_PAGE)
def _link_page(request, token: str):
    """The page behind a signing link: the form, or the signed documents to the
    link that signed them (for a while)."""
    link = signoff.link_find(token)
    visit = Visit.objects.select_related(
        "work_order__customer", "technician__technician_profile"
    ).get(pk=link.visit_id)
    language = _page_language(request, link, visit.work_order.customer.language)
    with translation.override(language):
        try:
            signoff.link_require_open(link)
        except ApplicationError as refusal:
            return _link_refusal_page(request, refusal, language)
        form = sign_off_form(
            visit, language=language, thumbnail_url=_link_thumbnail(token)
        )
        record = form["record"]
        return render(
            request,
            "visits/sign.html",
            {
                "form": form,
                "form_data": None
                if record
                else SignOffFormSerializer({**form, "record": None}).data,
                "visit": visit,
                "language": language,
                "record": record,
                "verify_url": signoff.verify_url(record) if record else "",
            },
        )


@answers_refusals()
def _sign(request, token: str):
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError as error:
        raise InvalidInput(
            _("The request is not valid JSON."), code="parse_error"
        ) from error
    serializer = SignOffInputSerializer(data=payload)
    if not serializer.is_valid():
        raise InvalidInput(
            _("Some answers are missing or invalid."),
            extra={"fields": serializer.errors},
        )
    link = signoff.link_find(token)
    sign_off = signoff.visit_sign_off(
        visit=link.visit,
        link_token=token,
        data=serializer.to_input(),
        on_signed=tasks.render_receipt_after_commit,
    )
    return JsonResponse(
        {"record": sign_off.number, "record_sha256": sign_off.snapshot_sha256},
        status=201,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_page(request, token: str):
    if request.method == "GET":
        return _link_page(request, token)
    return _sign(request, token)


def _signed_link_copy(
    request, token: str, make: Callable[[SignOff], HttpResponse]
) -> HttpResponse:
    """A copy of the signed record through the link that signed it: 404 for any
    other link, the expired page once the link no longer shows the record."""
    try:
        link = signoff.link_find(token)
    except ApplicationError as refusal:
        raise Http404 from refusal
    sign_off = SignOff.objects.filter(visit_id=link.visit_id).first()
    if sign_off is None or link.used_at is None:
        raise Http404
    language = _page_language(
        request, link, sign_off.visit.work_order.customer.language
    )
    with translation.override(language):
        try:
            signoff.link_require_open(link)
        except ApplicationError as refusal:
            return _link_refusal_page(request, refusal, language)
    return make(sign_off)


@never_cache
@require_GET
def sign_page_receipt(request, token: str):
    return _signed_link_copy(
        request,
        token,
        lambda sign_off: receipt_response(sign_off, f"receipt-{sign_off.number}.pdf"),
    )


@never_cache
@require_GET
def sign_page_service_card(request, token: str):
    return _signed_link_copy(
        request,
        token,
        lambda sign_off: pdf_response(
            signoff.service_card_pdf(sign_off.visit), "service-card.pdf"
        ),
    )


@require_GET
def sign_page_photo(request, token: str, photo_id: int):
    """A thumbnail of one of the link's visit's photos, while the link may show
    its visit; 404 for anything else."""
    try:
        link = signoff.link_find(token)
        signoff.link_require_open(link)
    except ApplicationError as refusal:
        raise Http404 from refusal
    photo = selectors.visit_photo(link.visit_id, photo_id)
    if photo is None:
        raise Http404
    response = FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Anyone holding a receipt ---------------------------------------------------------


class VerifyPageThrottle(SimpleRateThrottle):
    """VERIFY_PAGE_THROTTLE_RATE checks per client address, the address the
    trusted proxies report (TRUSTED_PROXY_COUNT, as for the sign-ins): a
    client-set X-Forwarded-For alone never picks the bucket."""

    scope = "verify"

    def get_rate(self) -> str:
        return settings.VERIFY_PAGE_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def get_ident(self, request) -> str:
        return client_address(request)


class TooManyChecks(ApplicationError):
    status_code = 429
    code = "throttled"
    default_detail = _(
        "Too many receipts were checked from your address. Try again in a minute."
    )


def _verdict_cache_key(record_sha256: str) -> str:
    return f"verify-page:{record_sha256}"


def _verdict(sign_off: SignOff) -> list[str]:
    """The page's verdict on a record, cached for VERIFY_PAGE_CACHE_SECONDS. A
    cache that does not answer costs only the cache: the record is checked."""
    key = _verdict_cache_key(sign_off.snapshot_sha256)
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("the cache did not answer; checking the record without it")
        cached = None
    if cached is not None:
        return cached
    problems = signoff.verify_one(sign_off)
    try:
        cache.set(key, problems, settings.VERIFY_PAGE_CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("the cache did not answer; the verdict is not kept")
    return problems


def _allowed(request) -> tuple[bool, float | None]:
    throttle = VerifyPageThrottle()
    try:
        return throttle.allow_request(request, None), throttle.wait()
    except CACHE_ERRORS:
        # Without the cache there is no count to keep: the page stays open
        # (it reads nothing but a few rows) rather than failing for everyone.
        logger.warning("the cache did not answer; the verify page is not throttled")
        return True, None


@require_GET
def verify_page(request, record_sha256: str):
    """Checks a record against its stored hashes and its place in the chain
    (never reading the stored files: `verify_signoffs` does). Shows no personal
    data: the work-order number, the time and the verdict. Throttled per client
    address; the verdict is cached briefly."""
    is_allowed, wait = _allowed(request)
    if not is_allowed:
        response = render(
            request, "refusal.html", {"error": TooManyChecks()}, status=429
        )
        if wait:
            response["Retry-After"] = str(math.ceil(wait))
        return response
    sign_off = (
        SignOff.objects.select_related("visit__work_order")
        .filter(snapshot_sha256=record_sha256.lower())
        .first()
    )
    if sign_off is None:
        return render(request, "visits/verify.html", {"found": False}, status=404)
    return render(
        request,
        "visits/verify.html",
        {"found": True, "sign_off": sign_off, "problems": _verdict(sign_off)},
    )
