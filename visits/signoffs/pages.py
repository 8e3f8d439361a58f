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
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from fieldservice.errors import ApplicationError, InvalidInput, answers_refusals
from visits.checklists.models import Photo
from visits.lifecycle.models import Visit
from visits.signoffs import selectors
from visits.signoffs import services as signoff
from visits.signoffs.api import (
    SignOffFormSerializer,
    SignOffInputSerializer,
    pdf_response,
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


@answers_refusals(template=ERROR_PAGE)
def _link_page(request, token: str):
    """The page behind a signing link: the form, or the signed documents."""
    link = signoff.link_find(token)
    visit = Visit.objects.select_related(
        "work_order__customer", "technician__technician_profile"
    ).get(pk=link.visit_id)
    language = _page_language(request, link, visit.work_order.customer.language)
    with translation.override(language):
        form = sign_off_form(
            visit, language=language, thumbnail_url=_link_thumbnail(token)
        )
        record = form["record"]
        if record is None:
            signoff.link_check(token)
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
        visit=link.visit, link_token=token, data=serializer.to_input()
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
    return pdf_response(signoff.receipt_pdf(sign_off), f"receipt-{sign_off.number}.pdf")


@never_cache
@require_GET
def sign_page_service_card(request, token: str):
    sign_off = _signed_link_record(token)
    return pdf_response(signoff.service_card_pdf(sign_off.visit), "service-card.pdf")


def _link_shows_evidence(link: SignOffLink) -> bool:
    """A link shows the visit's photos while it can sign, and afterwards only
    if it is the link the customer signed with (a link is used by signing)."""
    if link.used_at is not None:
        return True
    if timezone.now() >= link.expires_at:
        return False
    return not SignOff.objects.filter(visit_id=link.visit_id).exists()


@require_GET
def sign_page_photo(request, token: str, photo_id: int):
    """A thumbnail of one of the link's visit's photos; 404 for anything else."""
    try:
        link = signoff.link_find(token)
    except ApplicationError as refusal:
        raise Http404 from refusal
    photo = selectors.visit_photo(link.visit_id, photo_id)
    if photo is None or not _link_shows_evidence(link):
        raise Http404
    response = FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Anyone holding a receipt ---------------------------------------------------------


class VerifyPageThrottle(SimpleRateThrottle):
    """VERIFY_PAGE_THROTTLE_RATE checks per client address. The address is the
    connection's own unless a number of trusted proxies is configured
    (REST_FRAMEWORK NUM_PROXIES): a client-set X-Forwarded-For alone never
    picks the bucket."""

    scope = "verify"

    def get_rate(self) -> str:
        return settings.VERIFY_PAGE_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def get_ident(self, request) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)


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
