"""The one exception handler and the shared API pieces.

Every error answer has the same shape: {"code": ..., "detail": ...}, plus
"fields" for per-field validation messages.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fieldservice.errors import ApplicationError, InvalidInput, error_body

PAGE_TOO_DEEP_MESSAGE = _(
    "This page is too deep: pages reach only the first %(rows)s rows. "
    "Narrow the list with a filter instead."
)
INVALID_CURSOR_MESSAGE = _(
    "This cursor is not valid: follow the next or previous link of a page."
)


class Pagination(pagination.PageNumberPagination):
    """Pages by number with the exact `count`, for the lists that stay small
    (technicians, customers, reschedule requests). Pages deeper than
    LIST_MAX_OFFSET rows are refused (400 page_too_deep): an OFFSET that deep
    reads and throws away every row before it."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)  # "last" resolved
        try:
            offset = (int(number) - 1) * paginator.per_page
        except (TypeError, ValueError):
            return number  # Django's paginator answers it as an invalid page.
        if offset >= settings.LIST_MAX_OFFSET:
            raise InvalidInput(
                PAGE_TOO_DEEP_MESSAGE % {"rows": settings.LIST_MAX_OFFSET},
                code="page_too_deep",
            )
        return number


class CursorPagination(pagination.CursorPagination):
    """Pages by cursor for the lists that grow with the visits: `next`,
    `previous` and `results`, no `count` (counting a million rows on every page
    costs more than the page), and every page, the last included, as cheap as
    the first. `ordering` must be total (end with the id) so that paging is stable;
    the view's list needs an index in that order."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as error:
            raise InvalidInput(INVALID_CURSOR_MESSAGE, code="invalid_cursor") from error


def cursor_pagination(*ordering: str) -> type[CursorPagination]:
    """A cursor pagination in `ordering` (a total order, the id last)."""
    return type("CursorPagination", (CursorPagination,), {"ordering": ordering})


def _first_message(fields) -> str:
    if isinstance(fields, dict):
        for name, value in fields.items():
            message = _first_message(value)
            return message if name == "non_field_errors" else f"{name}: {message}"
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    return str(fields)


def validation_error_body(detail) -> dict:
    """The error shape for a serializer's complaints: the first in `detail`,
    and all of them under `fields`."""
    fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    return {"code": "invalid", "detail": _first_message(fields), "fields": fields}


def exception_handler(exc, context):
    """DRF's handler: every error answer in the one shape (fieldservice.errors)."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(exc.detail)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail) if hasattr(exc, "detail") else str(exc),
        }
    return response


class ErrorSerializer(serializers.Serializer):
    """The shape of every error answer (for the API schema)."""

    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(required=False)
