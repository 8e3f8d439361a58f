"""The API schema's shared parts: tags by what a client does, the headers every
operation takes, and the refusals every operation can answer with.

Set as DRF's DEFAULT_SCHEMA_CLASS; views still describe their own bodies and
their particular refusals with `extend_schema`, which this never overrides.
"""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from fieldservice.api import ErrorSerializer
from fieldservice.idempotency.api import IdempotentWritesMixin
from fieldservice.idempotency.services import HEADER as IDEMPOTENCY_HEADER

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# (pattern on the path below /api/v1/, tag), first match wins.
TAGS = [
    (r"^/api/v1/$|/auth/|/me/$", "auth"),
    (r"/me/visits/$|/visits/$|/visits/\{id\}/$", "my day"),
    (r"/actions/|/work-orders/", "lifecycle"),
    (r"/checklist/|/photos/", "checklist and photos"),
    (r"/sign-off|/service-card|/receipt", "sign-off and documents"),
    (r"/calls/|/complaints/|/reschedule-requests/", "calls and complaints"),
    (r"/technicians/|/customers/", "people"),
]
# Bookings are lifecycle steps though they share the visit list's path.
BOOKING = ("POST", "/api/v1/visits/")

ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["zh-hans", "en"],
    description="Language of messages and labels: `zh-hans` (the default) or `en`.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional. A unique key (e.g. a UUID) per intended write: a retry "
    "with the same key and body is answered with the first answer "
    "(`Idempotent-Replayed: true`) instead of writing twice; the same key with "
    "another body is refused (422).",
)

REFUSALS = {
    "400": "The input is wrong: `fields` says which and why.",
    "401": "Not signed in: send `Authorization: Token …` (POST /api/v1/auth/token/).",
    "403": "Signed in, but this is someone else's step (e.g. only a dispatcher).",
    "404": "No such object among those you can see.",
    "409": "Not allowed in the object's current state (`code`: invalid_transition "
    "and others); reload it and offer its `allowed_transitions`.",
    "422": "The Idempotency-Key was already used with another request body.",
    "429": "Too many attempts: wait and try again.",
}


class FieldServiceAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        if (self.method, self.path) == BOOKING:
            return ["lifecycle"]
        for pattern, tag in TAGS:
            if re.search(pattern, self.path):
                return [tag]
        return super().get_tags()

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), ACCEPT_LANGUAGE]
        if self.method in WRITE_METHODS and isinstance(
            self.view, IdempotentWritesMixin
        ):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def refusals(self) -> list[str]:
        """The refusal statuses this operation can answer with."""
        is_write = self.method in WRITE_METHODS
        statuses = []
        if is_write:
            statuses.append("400")
        permissions = self.view.get_permissions()
        if permissions and not any(isinstance(p, AllowAny) for p in permissions):
            statuses += ["401", "403"]
        if "{" in self.path:
            statuses.append("404")
        if is_write and "{" in self.path:
            statuses.append("409")
        if is_write and isinstance(self.view, IdempotentWritesMixin):
            statuses.append("422")
        if self.view.get_throttles():
            statuses.append("429")
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self._get_response_for_code(ErrorSerializer, "400")
        for status in self.refusals():
            if status not in responses:
                responses[status] = {**error, "description": REFUSALS[status]}
        return responses
