"""Input the database or Python cannot hold, refused at the door with a 4xx.

PostgreSQL refuses NUL characters in text, JSON has no infinite numbers, no
column holds an integer beyond 64 bits and no datetime exists past year 9999.
Rather than let each of these surface as a 500 deep in a view, they are
refused here, for every view at once:

- `RefuseUnreadableInputMiddleware`: the URL path, the query string, the
  headers and form bodies (NUL characters), and bodies over the size limit;
  but not multipart bodies on the API, which only the view's parser reads;
- `MultiPartParser`: NUL characters in a multipart body's fields and file
  names, and a body declared larger than the view takes, read only once the
  view has authenticated the caller and checked their permission;
- `JSONParser`: NUL anywhere in a JSON document, `NaN`/`Infinity`, numbers
  that overflow, a body over the size limit;
- `DateTimeField`/`DateField` and `check_supported_date`: dates and times
  outside the years the product plans for.

Each refusal is answered in the one error shape (fieldservice.errors) on the
API and as a plain page elsewhere.
"""

import datetime
import json
import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, serializers

from fieldservice import device_time
from fieldservice.errors import API_PREFIX, ApplicationError, refusal_response

NUL = "\x00"
# Integers beyond a signed 64-bit column fit no field of ours.
LARGEST_INTEGER = 2**63 - 1
# Dates and times the product accepts: a booking, a deadline, a photo's
# capture time or a filter outside these years is a typing error.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


class InputHasNul(ApplicationError):
    code = "nul_character"
    default_detail = _("The request contains a NUL character, which no text may hold.")


class RequestTooLarge(ApplicationError):
    status_code = 413
    code = "request_too_large"
    default_detail = _("The request body is too large.")


class MalformedInput(ApplicationError):
    code = "malformed_request"
    default_detail = _("The request cannot be read.")


def contains_nul(value) -> bool:
    """Whether a NUL character is in `value` or, for lists and dicts, in any
    key or value nested in it."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(
            contains_nul(key) or contains_nul(item) for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def _query_dict_has_nul(query_dict) -> bool:
    return any(
        contains_nul(key) or contains_nul(values) for key, values in query_dict.lists()
    )


def _header_has_nul(request: HttpRequest) -> bool:
    return any(
        NUL in str(value)
        for name, value in request.META.items()
        if name.startswith("HTTP_")
    )


def _is_form(request: HttpRequest) -> bool:
    return request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    )


def _is_api_upload(request: HttpRequest) -> bool:
    """A multipart body on the API: left to the view's parser (MultiPartParser
    below), which runs after authentication and the permission checks, so a
    stranger's upload is never parsed, let alone written to a temporary file."""
    return request.path.startswith(API_PREFIX) and (
        request.content_type == "multipart/form-data"
    )


def refusal_for(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """The refusal as JSON on the API, as a plain page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return refusal_response(error)
    return render(request, "refusal.html", {"error": error}, status=error.status_code)


# The admin's date hierarchy filters by `<field>__year`, `__month` and `__day`
# and computes the next day, month or year itself: year 9999 overflows there.
DATE_PARTS = {
    "year": (EARLIEST_DATE.year, LATEST_DATE.year),
    "month": (1, 12),
    "day": (1, 31),
}


class DateOutOfRange(ApplicationError):
    code = "date_out_of_range"

    def __init__(self):
        super().__init__(out_of_range_message())


def _check_date_parts(request: HttpRequest) -> None:
    for name, values in request.GET.lists():
        part = name.rpartition("__")[2]
        if "__" not in name or part not in DATE_PARTS:
            continue
        lowest, highest = DATE_PARTS[part]
        for value in values:
            if not (value.isascii() and value.isdigit()) or not (
                lowest <= int(value) <= highest
            ):
                raise DateOutOfRange()


class RefuseUnreadableInputMiddleware:
    """Refuses, before any view runs, a request whose path, query string,
    headers or form body hold a NUL character, or whose body is over the
    size limit (413). Place it after LocaleMiddleware so the message follows
    the request's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._check(request)
        except ApplicationError as error:
            return refusal_for(request, error)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A body read by a view that turns out too large is a 413 too."""
        if isinstance(exception, RequestDataTooBig):
            return refusal_for(request, RequestTooLarge())
        return None

    def _check(self, request: HttpRequest) -> None:
        if NUL in request.path or _header_has_nul(request):
            raise InputHasNul()
        if _query_dict_has_nul(request.GET):
            raise InputHasNul()
        _check_date_parts(request)
        if (
            _is_form(request)
            and request.method not in ("GET", "HEAD")
            and not _is_api_upload(request)
        ):
            try:
                has_nul = _query_dict_has_nul(request.POST) or any(
                    contains_nul(upload.name or "")
                    for _name, uploads in request.FILES.lists()
                    for upload in uploads
                )
            except RequestDataTooBig as error:
                raise RequestTooLarge() from error
            except TooManyFieldsSent as error:
                raise MalformedInput(str(error)) from error
            if has_nul:
                raise InputHasNul()


# --- JSON --------------------------------------------------------------------


class _Unrepresentable(ValueError):
    pass


def _refuse_constant(name: str):
    raise _Unrepresentable(
        _("%(value)s is not a number JSON allows.") % {"value": name}
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Unrepresentable(
            _("The number %(value)s is too large.") % {"value": text[:40]}
        )
    return value


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > LARGEST_INTEGER:
        raise _Unrepresentable(
            _("The number %(value)s is too large.") % {"value": text[:40]}
        )
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing with a 400 what no field can hold: NUL
    characters anywhere in the document, `NaN` and `Infinity`, numbers beyond
    a float or a 64-bit integer; and a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    with a 413."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            data = json.loads(
                raw.decode(encoding),
                parse_constant=_refuse_constant,
                parse_float=_finite_float,
                parse_int=_bounded_int,
            )
        except _Unrepresentable as error:
            raise exceptions.ParseError(str(error)) from error
        except ValueError as error:
            raise exceptions.ParseError(
                _("JSON parse error: %(error)s") % {"error": error}
            ) from error
        if contains_nul(data):
            raise InputHasNul()
        return data


# --- Multipart ---------------------------------------------------------------


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing what the middleware refuses elsewhere
    (NUL characters in a field or a file name: 400; too many fields: 400) and,
    before reading anything, a body declared larger than the view's
    `max_upload_body_bytes` (413). Django streams uploads to temporary files
    without any bound of its own."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context.get("request")
        limit = getattr(parser_context.get("view"), "max_upload_body_bytes", None)
        if limit is not None and request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise RequestTooLarge(
                    _("The upload is larger than %(megabytes)s MB.")
                    % {"megabytes": f"{limit / 1_048_576:.3g}"},
                    extra={"max_bytes": limit},
                )
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except RequestDataTooBig as error:
            raise RequestTooLarge() from error
        except TooManyFieldsSent as error:
            raise MalformedInput(str(error)) from error
        if _query_dict_has_nul(parsed.data) or any(
            contains_nul(upload.name or "")
            for _name, uploads in parsed.files.lists()
            for upload in uploads
        ):
            raise InputHasNul()
        return parsed


# --- Dates and times ---------------------------------------------------------


def out_of_range_message() -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
    }


def check_supported_date(value: datetime.date | datetime.datetime) -> None:
    """Raises Django's ValidationError for a date, or a datetime whose local
    day, lies outside EARLIEST_DATE..LATEST_DATE."""
    try:
        # In UTC, the time zone the database compares in; converting an
        # extreme datetime can itself overflow.
        day = (
            value.astimezone(datetime.UTC).date()
            if isinstance(value, datetime.datetime) and timezone.is_aware(value)
            else value
        )
    except OverflowError:
        day = datetime.date.min
    if isinstance(day, datetime.datetime):
        day = day.date()
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise DjangoValidationError(out_of_range_message(), code="date_out_of_range")


class DateTimeField(serializers.DateTimeField):
    """A DRF DateTimeField that refuses times outside the supported years,
    including those whose conversion to the current time zone overflows."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(check_supported_date)

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError as error:
            raise serializers.ValidationError(
                out_of_range_message(), code="date_out_of_range"
            ) from error


class DateField(serializers.DateField):
    """A DRF DateField that refuses days outside the supported years."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(check_supported_date)


class DeviceDateTimeField(serializers.DateTimeField):
    """A time the phone's clock read (fieldservice.device_time): ISO 8601 with
    its offset from UTC, from 1970 on. Not held to the years the product plans
    for: a phone whose clock was reset may read 1970, and the time is judged
    once the request's Device-Time has corrected it."""

    default_error_messages = {
        "invalid": _(
            "Give the phone's time in ISO 8601 with its offset from UTC, for "
            "example 2026-11-23T10:05:00+08:00."
        ),
        "naive": _(
            "Give the time with its offset from UTC, for example "
            "2026-11-23T10:05:00+08:00."
        ),
        "out_of_range": _("No phone's clock reads this time."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid")
        try:
            parsed = device_time.parse_device_time(value)
        except device_time.UnreadableDeviceTime as error:
            self.fail(error.reason)
        return self.enforce_timezone(parsed)


class AwareDateTimeField(DateTimeField):
    """A DateTimeField that also refuses a time without its offset from UTC:
    DRF would read it on the server's clock, which need not be the caller's,
    and book the customer at another hour than the one agreed."""

    default_error_messages = {
        "naive": _(
            "Give the time with its offset from UTC, for example "
            "2026-11-24T09:30:00+08:00."
        ),
    }

    def to_internal_value(self, value):
        parsed = value
        if isinstance(value, str):
            try:
                parsed = datetime.datetime.fromisoformat(value.strip())
            except ValueError:
                parsed = None  # not ISO 8601: the parent says so
        if isinstance(parsed, datetime.datetime) and timezone.is_naive(parsed):
            self.fail("naive")
        return super().to_internal_value(value)
