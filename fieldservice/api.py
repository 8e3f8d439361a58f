"""The one exception handler and the shared API pieces.

Every error answer has the same shape: {"code": ..., "detail": ...}, plus
"fields" for per-field validation messages.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fieldservice.errors import ApplicationError, error_body


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


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
