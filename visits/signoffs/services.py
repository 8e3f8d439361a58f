"""The customer's sign-off: a frozen, hashed and chained record of the visit.

At sign-off everything the signature covers is written into one canonical JSON
text (sorted keys, no spaces, UTF-8): the work order, the visit's times and
punctuality, every checklist answer with the SHA-256 of each photo, the
customer's conduct confirmations, the service card, the signer's name, the
consent statement and the server's time. The record stores that text, its
SHA-256, the SHA-256 of the signature image and a chain hash linking it to the
record before. `verify_record` recomputes all of it from the stored record and
the stored files it names, never from rows that may be edited later.
"""

import base64
import binascii
import hashlib
import io
import json
import logging
import secrets
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from accounts.models import CompanySettings, User
from fieldservice.errors import ApplicationError, InvalidInput, InvalidTransition
from fieldservice.files import undone_on_error
from fieldservice.i18n import pick, sentences
from visits.checklists.models import Photo
from visits.checklists.selectors import answer_of
from visits.lifecycle import services as lifecycle
from visits.lifecycle.models import Visit, WorkOrder, state_now_sentence
from visits.lifecycle.rules import (
    ArrivalPunctuality,
    Punctuality,
    Transition,
    VisitState,
)
from visits.signoffs import documents, policies
from visits.signoffs.models import (
    ConductConfirmation,
    ConsentStatement,
    Promotion,
    SignOff,
    SignOffChainHead,
    SignOffChannel,
    SignOffLink,
    SignOffReceipt,
)

logger = logging.getLogger(__name__)

FORMAT = "fieldservice.signoff/1"
SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_PIXELS = 4_000_000
# A signing pad is a phone or tablet screen at up to 3 device pixels per CSS
# pixel; 1 x 4,000,000 is within the pixel count but no pad.
SIGNATURE_MAX_SIDE_PIXELS = 4_000

# What the customer is asked to confirm or contest, for the checklist items the
# visit has (and, for the shoe covers, only where they were required).
CONDUCT_QUESTIONS = {
    "show_work_id": (
        "装维人员出示了工作证并说明了来意",
        "The technician showed a work ID and said why they came",
    ),
    "shoe_covers": (
        "装维人员进门穿了干净的鞋套",
        "The technician put on clean shoe covers",
    ),
    "tools_on_work_cloth": (
        "工具放在工作台布上,轻拿轻放",
        "Tools were laid on a work cloth and handled gently",
    ),
    "rooms_accompanied": (
        "装维人员没有进入与工作无关的房间",
        "The technician kept out of rooms unrelated to the work",
    ),
    "consent_items_facilities": (
        "移动物品或使用家中设施前征得了您的同意",
        "You were asked before items were moved or household facilities used",
    ),
    "items_put_back": ("移动的物品已放回原处", "Moved items were put back"),
    "site_clean": (
        "现场已清理干净,残留物已带走",
        "The site was cleaned and debris taken away",
    ),
}


class SignOffRefused(ApplicationError):
    code = "sign_off_refused"


class LinkInvalid(ApplicationError):
    status_code = 404
    code = "sign_off_link_invalid"
    default_detail = _("This signing link is not valid.")


class LinkExpired(ApplicationError):
    status_code = 410
    code = "sign_off_link_expired"
    default_detail = _(
        "This signing link has expired. Ask the technician for a new one."
    )


class LinkUsed(ApplicationError):
    status_code = 409
    code = "sign_off_link_used"
    default_detail = _("This signing link has already been used.")


class LinkVisitSigned(ApplicationError):
    """A link other than the one that signed, once the visit is signed: it
    shows nothing of the visit."""

    status_code = 409
    code = "sign_off_link_visit_signed"
    default_detail = _(
        "This visit has already been signed, with another link or on the "
        "technician's phone, so this link no longer shows it."
    )


class LinkRecordExpired(ApplicationError):
    """The link that signed, SIGN_OFF_LINK_RECEIPT_HOURS after signing."""

    status_code = 410
    code = "sign_off_link_record_expired"
    default_detail = _(
        "This link has expired: it showed the signed copies for a limited time "
        "after signing. For a copy, call customer service."
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _utc_iso(value: datetime | None) -> str | None:
    """Times in the record are UTC, so the record does not depend on TIME_ZONE."""
    return value.astimezone(UTC).isoformat() if value else None


def _language(visit: Visit) -> str:
    return visit.work_order.customer.language


# --- What the record is made of ---------------------------------------------------


def conduct_questions(visit: Visit, *, language: str | None = None) -> list[dict]:
    """The conduct items the customer confirms or contests for this visit, in
    `language` (the customer's by default)."""
    language = language or _language(visit)
    questions = []
    for item in visit.checklist.order_by("position", "id"):
        if item.code not in CONDUCT_QUESTIONS or not item.is_required:
            continue
        chinese, english = CONDUCT_QUESTIONS[item.code]
        questions.append({"code": item.code, "text": pick(language, chinese, english)})
    return questions


def promotion_on(day) -> Promotion | None:
    return (
        Promotion.objects.filter(valid_from__lte=day, valid_until__gte=day)
        .order_by("-valid_from", "-id")
        .first()
    )


def service_card(visit: Visit, *, at: datetime, language: str | None = None) -> dict:
    """The service card (docs/rules.md#service-card): technician name and employee number, contact
    phone, customer-service hotline and the seasonal promotion in force that day,
    in `language` (the customer's by default)."""
    language = language or _language(visit)
    company = CompanySettings.load()
    profile = visit.technician.technician_profile
    promotion = promotion_on(timezone.localdate(at))
    return {
        "company_name": company.company_name,
        "technician_name": visit.technician.display_name,
        "employee_number": profile.employee_number,
        "contact_phone": profile.phone,
        "hotline": company.customer_service_hotline,
        "promotion": None
        if promotion is None
        else {
            "title": pick(language, promotion.title_zh, promotion.title_en),
            "body": pick(language, promotion.body_zh, promotion.body_en),
        },
    }


def _choice_label(item, value, language: str) -> str | None:
    for choice in item.choices or []:
        if choice.get("value") == value:
            return pick(language, choice.get("zh", value), choice.get("en", value))
    return None


def evidence(visit: Visit) -> dict:
    """The parts of the record built from rows at sign-off: the work order, the
    visit, the technician and the checklist with photo hashes, labelled in the
    customer's language."""
    with translation.override(_language(visit)):
        return _evidence(visit)


def _evidence(visit: Visit) -> dict:
    work_order = visit.work_order
    language = _language(visit)
    profile = visit.technician.technician_profile
    photos_by_item: dict[int | None, list[str]] = {}
    for photo in Photo.objects.filter(visit=visit).order_by("uploaded_at", "id"):
        photos_by_item.setdefault(photo.item_id, []).append(photo.sha256)
    checklist = []
    for item in visit.checklist.select_related("answer").order_by("position", "id"):
        answer = answer_of(item)
        checklist.append(
            {
                "code": item.code,
                "stage": item.stage,
                "text": pick(language, item.text_zh, item.text_en),
                "kind": item.kind,
                "is_required": item.is_required,
                "answer": answer.value if answer else None,
                "answer_label": _choice_label(item, answer.value, language)
                if answer
                else None,
                "note": answer.note if answer else "",
                "captured_at": _utc_iso(answer.captured_at) if answer else None,
                "photos": photos_by_item.get(item.id, []),
            }
        )
    punctuality_label = visit.get_punctuality_display() if visit.punctuality else ""
    return {
        "work_order": {
            "number": work_order.number,
            "kind": work_order.kind,
            "kind_label": str(work_order.get_kind_display()),
            "description": work_order.description,
            "customer_name": work_order.customer_name,
            "customer_phone": work_order.customer_phone,
            "address": work_order.address,
            "area_tier": work_order.area_tier,
        },
        "visit": {
            "sequence": visit.sequence,
            "appointed_start": _utc_iso(visit.appointed_start),
            "arrival_tolerance_minutes": visit.arrival_tolerance_minutes,
            "arrived_at": _utc_iso(visit.arrived_at),
            "punctuality": visit.punctuality,
            "punctuality_label": str(punctuality_label),
            "arrival_deviation_seconds": visit.arrival_deviation_seconds,
            "late_reason": visit.late_reason,
            "work_started_at": _utc_iso(visit.work_started_at),
            "work_done_at": _utc_iso(visit.work_done_at),
        },
        "technician": {
            "name": visit.technician.display_name,
            "employee_number": profile.employee_number,
            "phone": profile.phone,
        },
        "checklist": checklist,
        "visit_photos": photos_by_item.get(None, []),
    }


# --- Checking what the customer sends ------------------------------------------------


def signature_from_base64(data: str) -> bytes:
    """Accepts plain base64 or a data URL (data:image/png;base64,...)."""
    if not isinstance(data, str) or not data:
        raise InvalidInput(_("The signature is missing."), code="signature_missing")
    _header, comma, encoded = data.partition(",")
    if not comma:
        encoded = data
    if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise InvalidInput(
            _("The signature image is too large."), code="signature_too_large"
        )
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidInput(
            _("The signature is not valid base64."), code="signature_invalid"
        ) from error


def check_signature(png: bytes) -> None:
    """A PNG of sane size that is not blank: the finger drew something."""
    if not png:
        raise InvalidInput(_("The signature is missing."), code="signature_missing")
    if len(png) > SIGNATURE_MAX_BYTES:
        raise InvalidInput(
            _("The signature image is too large."), code="signature_too_large"
        )
    too_large = InvalidInput(
        _("The signature image is too large."), code="signature_too_large"
    )
    try:
        # Opening reads the header only; the size is checked before decoding.
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            width, height = image.size
            if (
                width * height > SIGNATURE_MAX_PIXELS
                or max(width, height) > SIGNATURE_MAX_SIDE_PIXELS
            ):
                raise too_large
            image.load()
            gray = (
                image.convert("LA") if "A" in image.getbands() else image.convert("L")
            )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
        zlib.error,
    ) as error:
        raise InvalidInput(
            _("The signature must be a PNG image."), code="signature_invalid"
        ) from error
    extrema: Any = gray.getextrema()  # one (low, high) per band
    if gray.mode == "LA":
        (lum_low, lum_high), (alpha_low, alpha_high) = extrema
        # Fully transparent, or one flat colour at one opacity.
        is_blank = alpha_high == 0 or (alpha_low == alpha_high and lum_low == lum_high)
    else:
        lum_low, lum_high = extrema
        is_blank = lum_low == lum_high
    if is_blank:
        raise InvalidInput(_("The signature is empty."), code="signature_empty")


CONDUCT_COMMENT_MAX_LENGTH = 500


def _conduct_refused(position: int, message, code: str) -> InvalidInput:
    return InvalidInput(
        _("Conduct entry %(position)s: %(problem)s")
        % {"position": position, "problem": message},
        code=code,
        extra={"conduct_entry": position},
    )


def _check_conduct(visit: Visit, answers: list) -> list[dict]:
    """The customer's answers, each entry checked: an object with a known code
    given once, `confirmed` true or false, and an optional text comment of at
    most CONDUCT_COMMENT_MAX_LENGTH characters. A refusal names the entry by
    its position (from 1) and its code."""
    questions = {question["code"]: question for question in conduct_questions(visit)}
    given: dict[str, dict] = {}
    for position, answer in enumerate(answers, start=1):
        if not isinstance(answer, dict):
            raise _conduct_refused(
                position, _("each entry must be an object."), "conduct_invalid"
            )
        code = answer.get("code")
        if not isinstance(code, str) or not code:
            raise _conduct_refused(
                position, _("the code must be text."), "conduct_invalid"
            )
        if code not in questions:
            raise _conduct_refused(
                position,
                _("%(code)s is not a conduct question of this visit.") % {"code": code},
                "conduct_unknown",
            )
        if code in given:
            raise _conduct_refused(
                position,
                _("%(code)s is answered twice.") % {"code": code},
                "conduct_duplicate",
            )
        if not isinstance(answer.get("confirmed"), bool):
            raise _conduct_refused(
                position,
                _("Confirm or contest %(code)s with true or false.") % {"code": code},
                "conduct_invalid",
            )
        comment = answer.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise _conduct_refused(
                position,
                _("the comment on %(code)s must be text.") % {"code": code},
                "conduct_invalid",
            )
        if len((comment or "").strip()) > CONDUCT_COMMENT_MAX_LENGTH:
            raise _conduct_refused(
                position,
                _("the comment on %(code)s is longer than %(limit)s characters.")
                % {"code": code, "limit": CONDUCT_COMMENT_MAX_LENGTH},
                "conduct_comment_too_long",
            )
        given[code] = answer
    unanswered = [code for code in questions if code not in given]
    if unanswered:
        raise InvalidInput(
            _("The customer has not answered: %(codes)s.")
            % {"codes": ", ".join(unanswered)},
            code="conduct_unanswered",
            extra={"unanswered": unanswered},
        )
    return [
        {
            "code": code,
            "text": question["text"],
            "confirmed": given[code]["confirmed"],
            "comment": (given[code].get("comment") or "").strip(),
        }
        for code, question in questions.items()
    ]


def current_consent() -> ConsentStatement:
    consent = ConsentStatement.objects.order_by("-published_at", "-id").first()
    if consent is None:
        raise SignOffRefused(
            _("No consent statement is published."), code="consent_missing"
        )
    return consent


# --- Signing ------------------------------------------------------------------------


# A link's token is `secrets.token_urlsafe(LINK_TOKEN_BYTES)`: random, naming
# nothing. Only its SHA-256 is stored and a link is found by that hash, so the
# database never holds a usable token. Links made before tokens were random
# (a signed `{"link", "visit", "nonce"}` value) were stored the same way, by the
# SHA-256 of the whole token, so they are found by the same lookup and keep
# working until they expire.
LINK_TOKEN_BYTES = 32
LINK_TOKEN_MAX_LENGTH = 256


def _link_row(token: str, *, for_update: bool = False) -> SignOffLink:
    """The link a token names; `for_update` locks it (inside a transaction)."""
    if not token or len(token) > LINK_TOKEN_MAX_LENGTH:
        raise LinkInvalid()
    links = (
        SignOffLink.objects.select_for_update() if for_update else SignOffLink.objects
    )
    link = links.filter(token_sha256=sha256_hex(token.encode())).first()
    if link is None:
        raise LinkInvalid()
    return link


def link_shows_record_until(link: SignOffLink) -> datetime | None:
    """Until when the link the customer signed with shows the signed record;
    None for a link that was not used."""
    if link.used_at is None:
        return None
    return link.used_at + timedelta(hours=settings.SIGN_OFF_LINK_RECEIPT_HOURS)


def link_require_open(link: SignOffLink, *, at: datetime | None = None) -> None:
    """Refuses a link that may no longer show its visit (docs/rules.md#signing-link).

    The link that signed shows the signed record for SIGN_OFF_LINK_RECEIPT_HOURS
    after signing. Any other link of a signed visit shows nothing of it, and an
    unused link shows the form until it expires."""
    at = at or timezone.now()
    shows_record_until = link_shows_record_until(link)
    if shows_record_until is not None:
        if at >= shows_record_until:
            raise LinkRecordExpired()
        return
    if SignOff.objects.filter(visit_id=link.visit_id).exists():
        raise LinkVisitSigned()
    if at >= link.expires_at:
        raise LinkExpired()


def link_check(
    token: str, *, at: datetime | None = None, for_update: bool = False
) -> SignOffLink:
    """The link behind `token`, if it can still be used to sign."""
    link = _link_row(token, for_update=for_update)
    if link.used_at is not None:
        raise LinkUsed()
    link_require_open(link, at=at)
    return link


def link_find(token: str) -> SignOffLink:
    """The link behind `token`, used or not; `link_require_open` says whether it
    may still show anything."""
    return _link_row(token)


@transaction.atomic
def sign_off_link_create(*, visit: Visit, by: User) -> tuple[SignOffLink, str]:
    """A single-use link for the customer's own phone, valid SIGN_OFF_LINK_HOURS.
    Returns the link and its token, which is not stored and cannot be read back."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    policies.require_link_maker(by, visit)
    if visit.state != VisitState.WORK_DONE:
        raise InvalidTransition(
            sentences(
                _("A signing link is made once the work is done."),
                state_now_sentence(visit.state),
            )
        )
    now = timezone.now()
    token = secrets.token_urlsafe(LINK_TOKEN_BYTES)
    link = SignOffLink.objects.create(
        visit=visit,
        token_sha256=sha256_hex(token.encode()),
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.SIGN_OFF_LINK_HOURS),
    )
    return link, token


@dataclass(frozen=True)
class SignOffInput:
    signer_name: str
    signature_png: bytes
    consent_version: str
    conduct: list[dict]


@transaction.atomic
def visit_sign_off(
    *,
    visit: Visit,
    data: SignOffInput,
    by: User | None = None,
    link_token: str | None = None,
    at: datetime | None = None,
    on_signed: Callable[[int], None] | None = None,
) -> SignOff:
    """The customer signs the work order, on the technician's phone (`by`) or
    through a link on their own phone (`link_token`). Freezes the record.
    `on_signed` gets the new record's id inside the transaction (the task
    module enqueues the receipt's rendering with it)."""
    at = at or timezone.now()
    if (by is None) == (link_token is None):
        raise ValueError(
            "sign either as the technician (by) or with a link (link_token)"
        )
    signer_name = data.signer_name.strip()
    if not signer_name:
        raise InvalidInput(
            _("Give the name of the customer who signs."), code="signer_required"
        )
    check_signature(data.signature_png)
    consent = current_consent()
    if data.consent_version != consent.version:
        raise InvalidInput(
            _("Consent to the current statement (version %(version)s) is required.")
            % {"version": consent.version},
            code="consent_required",
            extra={"consent_version": consent.version},
        )

    link = (
        link_check(link_token, at=at, for_update=True)
        if link_token is not None
        else None
    )
    if link is not None:
        visit = link.visit
    visit, from_state = lifecycle.visit_step_begin(
        visit, Transition.SIGN_OFF, by, at=at
    )
    # The record covers the work order's description: an edit at the same
    # moment waits for the signature, then finds the order signed (the visit is
    # locked first, then its work order; nothing locks them the other way).
    visit.work_order = WorkOrder.objects.select_for_update().get(pk=visit.work_order_id)
    conduct = _check_conduct(visit, data.conduct)
    language = _language(visit)
    channel = SignOffChannel.TECHNICIAN_DEVICE if by else SignOffChannel.CUSTOMER_LINK
    signature_sha256 = sha256_hex(data.signature_png)
    record = {
        "format": FORMAT,
        "signed_at": _utc_iso(at),
        "language": language,
        **evidence(visit),
        "conduct": conduct,
        "service_card": service_card(visit, at=at),
        "signer": {"name": signer_name, "channel": channel},
        "consent": {
            "version": consent.version,
            "text": pick(language, consent.text_zh, consent.text_en),
        },
        "signature_sha256": signature_sha256,
    }
    snapshot = canonical_json(record)
    snapshot_sha256 = sha256_hex(snapshot.encode())

    head, _created = SignOffChainHead.objects.select_for_update().get_or_create(
        id=SignOffChainHead.SINGLETON_ID
    )
    chain_hash = chain_link(head.last_hash, snapshot_sha256, signature_sha256)
    sign_off = SignOff(
        visit=visit,
        number=head.last_number + 1,
        signed_at=at,
        signer_name=signer_name,
        channel=channel,
        consent_version=consent.version,
        snapshot=snapshot,
        snapshot_sha256=snapshot_sha256,
        signature_sha256=signature_sha256,
        previous_chain_hash=head.last_hash,
        chain_hash=chain_hash,
        has_contested_conduct=any(not answer["confirmed"] for answer in conduct),
        recorded_by=by,
    )
    with undone_on_error() as files:
        files.save(sign_off.signature, "signature.png", data.signature_png)
        sign_off.save()
        ConductConfirmation.objects.bulk_create(
            ConductConfirmation(
                sign_off=sign_off,
                code=answer["code"],
                text=answer["text"],
                is_confirmed=answer["confirmed"],
                comment=answer["comment"],
            )
            for answer in conduct
        )
    head.last_number, head.last_hash = sign_off.number, chain_hash
    head.save(update_fields=["last_number", "last_hash"])
    if link is not None:
        link.used_at = at
        link.save(update_fields=["used_at"])
    # No other link of the visit can sign from now on (the used one is saved).
    SignOffLink.objects.filter(
        visit=visit, used_at__isnull=True, expires_at__gt=at
    ).update(expires_at=at)

    visit.signed_off_at = at
    lifecycle.visit_step_finish(
        visit,
        Transition.SIGN_OFF,
        by=by,
        at=at,
        from_state=from_state,
        fields=["signed_off_at"],
        data={
            "signer_name": signer_name,
            "channel": channel,
            "record": sign_off.number,
            "record_sha256": snapshot_sha256,
            "contested": [
                answer["code"] for answer in conduct if not answer["confirmed"]
            ],
        },
    )
    if on_signed is not None:
        on_signed(sign_off.pk)
    return sign_off


def chain_link(previous_hash: str, snapshot_sha256: str, signature_sha256: str) -> str:
    return sha256_hex(f"{previous_hash}:{snapshot_sha256}:{signature_sha256}".encode())


# --- Verifying ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    record: int
    work_order: str
    what: str


def _file_sha256(field) -> str | None:
    try:
        with field.open("rb") as stream:
            digest = hashlib.sha256()
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, OSError, ValueError):
        return None


def _frozen_photo_hashes(stored: dict) -> list[str]:
    """The SHA-256 of every photo the record names, in the record's order."""
    hashes: list[str] = []
    for row in stored.get("checklist") or []:
        if isinstance(row, dict):
            hashes += [value for value in row.get("photos") or [] if value]
    hashes += [value for value in stored.get("visit_photos") or [] if value]
    return hashes


def verify_record(
    sign_off: SignOff, *, previous_hash: str, rehash_files: bool
) -> list[str]:
    """What no longer matches in one record, in words; empty when intact.

    Uses only what was frozen: the stored record text and its hashes, and the
    photos' recorded SHA-256 columns. With `rehash_files`, the stored files the
    record names (the signature and the photos) are read and hashed again too:
    the full check of `verify_signoffs`; without it nothing is read from disk
    (the public page). Rows edited after sign-off (the customer's language, the
    technician's name, the work order's description) are not the record and are
    not compared."""
    problems = []
    if sha256_hex(sign_off.snapshot.encode()) != sign_off.snapshot_sha256:
        problems.append("the stored record text does not match its SHA-256")
    try:
        stored = json.loads(sign_off.snapshot)
    except json.JSONDecodeError:
        stored = None
        problems.append("the stored record is not valid JSON")
    if not isinstance(stored, dict):
        stored = {}
    if rehash_files:
        signature_sha256 = _file_sha256(sign_off.signature)
        if signature_sha256 is None:
            problems.append("the signature image is missing")
        elif signature_sha256 != sign_off.signature_sha256:
            problems.append("the signature image was changed")
    if stored.get("signature_sha256") != sign_off.signature_sha256:
        problems.append("the signature hash in the record was changed")
    if sign_off.previous_chain_hash != previous_hash:
        problems.append("the link to the previous record is broken")
    expected_chain = chain_link(
        sign_off.previous_chain_hash,
        sign_off.snapshot_sha256,
        sign_off.signature_sha256,
    )
    if sign_off.chain_hash != expected_chain:
        problems.append("the chain hash does not match")
    photos: dict[str, list[Photo]] = {}
    visit_photos = Photo.objects.filter(visit_id=sign_off.visit_id).order_by("id")
    if not rehash_files:
        visit_photos = visit_photos.only("id", "sha256")
    for photo in visit_photos:
        photos.setdefault(photo.sha256, []).append(photo)
    for photo_sha256 in _frozen_photo_hashes(stored):
        short = str(photo_sha256)[:12]
        if photo_sha256 not in photos:
            problems.append(f"photo {short} named in the record is missing")
            continue
        if not rehash_files:
            continue
        for photo in photos[photo_sha256]:
            if _file_sha256(photo.image) != photo_sha256:
                problems.append(f"photo {photo.id} ({short}) was changed or is missing")
    return problems


def verify_one(sign_off: SignOff) -> list[str]:
    """One record checked against the record before it, for the public page:
    from the stored digests only (two queries, no file opened), so that anyone
    may ask cheaply. The files themselves are hashed again by `verify_all`
    (`manage.py verify_signoffs`)."""
    problems = []
    previous = SignOff.objects.filter(number=sign_off.number - 1).first()
    if previous is not None:
        previous_hash = previous.chain_hash
    else:
        previous_hash = SignOffChainHead.GENESIS_HASH
        if sign_off.number > 1:
            problems.append(f"record {sign_off.number - 1} before it is missing")
    return [
        *problems,
        *verify_record(sign_off, previous_hash=previous_hash, rehash_files=False),
    ]


def verify_all() -> tuple[int, list[Problem]]:
    """Checks every record and the chain. Returns (records checked, problems)."""
    previous_hash = SignOffChainHead.GENESIS_HASH
    checked, problems = 0, []
    expected_number = 1
    records = SignOff.objects.select_related(
        "visit__work_order__customer", "visit__technician__technician_profile"
    ).order_by("number")
    for sign_off in records.iterator(chunk_size=200):
        checked += 1
        if sign_off.number != expected_number:
            problems.append(
                Problem(
                    sign_off.number,
                    sign_off.visit.work_order.number,
                    f"records {expected_number} to {sign_off.number - 1} are missing",
                )
            )
        for what in verify_record(
            sign_off, previous_hash=previous_hash, rehash_files=True
        ):
            problems.append(
                Problem(sign_off.number, sign_off.visit.work_order.number, what)
            )
        previous_hash = sign_off.chain_hash
        expected_number = sign_off.number + 1
    head = SignOffChainHead.objects.filter(id=SignOffChainHead.SINGLETON_ID).first()
    if head is not None and (head.last_number, head.last_hash) != (
        expected_number - 1,
        previous_hash,
    ):
        problems.append(
            Problem(
                head.last_number, "-", "the chain ends before its recorded last record"
            )
        )
    return checked, problems


# --- Showing the record -----------------------------------------------------------------

_TIME_KEYS = frozenset(
    {
        "signed_at",
        "appointed_start",
        "arrived_at",
        "work_started_at",
        "work_done_at",
        "captured_at",
    }
)


def _localised(value):
    if isinstance(value, dict):
        return {
            key: _local_time(item) if key in _TIME_KEYS else _localised(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_localised(item) for item in value]
    return value


def _local_time(value):
    if not isinstance(value, str):
        return value
    try:
        return timezone.localtime(datetime.fromisoformat(value)).isoformat()
    except ValueError:
        return value


def display_record(sign_off: SignOff) -> dict:
    """The stored record for people to read: times in local time, the arrival
    deviation in whole minutes. The stored text itself is never changed."""
    record = _localised(json.loads(sign_off.snapshot))
    for row in record.get("checklist", []):
        if row.get("answer_label"):
            row["answer"] = row["answer_label"]
    seconds = record.get("visit", {}).get("arrival_deviation_seconds")
    if seconds is not None:
        record["visit"]["arrival_deviation_minutes"] = ArrivalPunctuality(
            status=Punctuality.ON_TIME, deviation_seconds=seconds
        ).deviation_minutes
    return record


def verify_url(sign_off: SignOff) -> str:
    return settings.SITE_URL + reverse("verify", args=[sign_off.snapshot_sha256])


def receipt_pdf(sign_off: SignOff) -> bytes:
    """Renders the receipt (110-160 ms): in the record's language, from the
    frozen record and the stored signature only, so the same bytes every time
    for the same SITE_URL and TIME_ZONE. Downloads use `receipt_open`."""
    record = display_record(sign_off)
    with sign_off.signature.open("rb") as stream:
        signature = stream.read()
    return documents.receipt_pdf(
        record,
        record_hash=sign_off.snapshot_sha256,
        verify_url=verify_url(sign_off),
        signature_png=signature,
        language=record["language"],
    )


# Raise when the receipt's layout changes: stored receipts are drawn again.
RECEIPT_LAYOUT = "receipt/1"


def receipt_rendered_for() -> str:
    """What a stored receipt depends on besides the record: the layout, the
    verify link's site and the time zone its times are shown in."""
    return sha256_hex(
        f"{RECEIPT_LAYOUT}|{settings.SITE_URL}|{settings.TIME_ZONE}".encode()
    )


def _receipt_is_current(receipt: SignOffReceipt | None) -> bool:
    return receipt is not None and receipt.rendered_for == receipt_rendered_for()


def receipt_render(*, sign_off_id: int) -> SignOffReceipt | None:
    """The sign-off's receipt, rendered into storage unless a current one is
    there already. Idempotent, and safe to run at the same time as a download:
    the sign-off row is locked while the receipt is rendered, so one of them
    renders and the other finds its result. None for an unknown record."""
    receipt = SignOffReceipt.objects.filter(sign_off_id=sign_off_id).first()
    if _receipt_is_current(receipt):
        return receipt
    return _receipt_render_locked(sign_off_id, replacing=None)


def _receipt_render_locked(
    sign_off_id: int, *, replacing: SignOffReceipt | None
) -> SignOffReceipt | None:
    """Renders under the sign-off row's lock. `replacing` is a stored receipt
    found damaged: it is drawn again even if it looks current, unless another
    request has replaced it meanwhile."""
    with transaction.atomic():
        sign_off = (
            SignOff.objects.select_for_update()
            .select_related("visit")
            .filter(pk=sign_off_id)
            .first()
        )
        if sign_off is None:
            return None
        receipt = SignOffReceipt.objects.filter(sign_off=sign_off).first()
        is_replaced = receipt is not None and (
            replacing is None or receipt.rendered_at != replacing.rendered_at
        )
        if is_replaced and _receipt_is_current(receipt):
            return receipt
        content = receipt_pdf(sign_off)
        old_name = receipt.file.name if receipt is not None else None
        if receipt is None:
            receipt = SignOffReceipt(sign_off=sign_off)
        receipt.sha256 = sha256_hex(content)
        receipt.rendered_for = receipt_rendered_for()
        receipt.rendered_at = timezone.now()
        with undone_on_error() as files:
            if old_name is not None:
                # The same name for the same bytes: the damaged or outdated
                # file goes first so that the new one takes its place.
                receipt.file.storage.delete(old_name)
            files.save(receipt.file, "receipt.pdf", content)
            receipt.save()
    logger.info(
        "rendered the receipt of sign-off record %s (%s bytes)",
        sign_off.number,
        len(content),
    )
    return receipt


def _stored_file_matches(receipt: SignOffReceipt) -> File | None:
    """The stored file opened at its start, if its SHA-256 is the recorded
    one; None (closed) when it is missing or was changed."""
    try:
        stream = receipt.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        return None
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    if digest.hexdigest() != receipt.sha256:
        stream.close()
        return None
    stream.seek(0)
    return stream


def receipt_open(sign_off: SignOff) -> tuple[File, SignOffReceipt]:
    """The signed record's receipt from storage, opened for streaming: rendered
    on the first request (or by the task at sign-off), read from storage after.
    A stored file that is missing or no longer matches its SHA-256 is logged
    and drawn again from the record, which is the evidence; the PDF is not."""
    receipt = receipt_render(sign_off_id=sign_off.pk)
    if receipt is None:  # the record is gone: it cannot be, it is append-only
        raise SignOff.DoesNotExist
    stream = _stored_file_matches(receipt)
    if stream is None:
        logger.warning(
            "the stored receipt of sign-off record %s is missing or changed; "
            "rendering it again",
            sign_off.number,
        )
        receipt = _receipt_render_locked(sign_off.pk, replacing=receipt)
        stream = _stored_file_matches(receipt) if receipt is not None else None
        if receipt is None or stream is None:
            raise OSError("the receipt could not be stored")
    return stream, receipt


def _signed_record(visit: Visit) -> dict | None:
    """The frozen record of a signed visit; None before sign-off."""
    sign_off = SignOff.objects.filter(visit=visit).first()
    return None if sign_off is None else json.loads(sign_off.snapshot)


def service_card_of(visit: Visit, *, language: str | None = None) -> dict:
    """The frozen card of a signed visit, or the card as it would be today (in
    `language`, the customer's by default)."""
    record = _signed_record(visit)
    if record is not None:
        return record["service_card"]
    return service_card(visit, at=timezone.now(), language=language)


def service_card_pdf(visit: Visit) -> bytes:
    """In the language of the frozen record once signed (the customer may have
    changed theirs since), else in the customer's language today."""
    record = _signed_record(visit)
    if record is not None:
        return documents.service_card_pdf(
            record["service_card"], language=record["language"]
        )
    return documents.service_card_pdf(
        service_card(visit, at=timezone.now()), language=_language(visit)
    )
