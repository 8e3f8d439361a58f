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
from fieldservice.device_time import HEADER as DEVICE_TIME_HEADER
from fieldservice.device_time import DeviceClockMixin
from fieldservice.idempotency.api import IdempotentWritesMixin
from fieldservice.idempotency.services import HEADER as IDEMPOTENCY_HEADER

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# (pattern on the path below /api/v1/, tag), first match wins.
TAGS = [
    (r"^/api/v1/$|/auth/|/me/$", "auth"),
    (r"^/api/v1/console/", "console"),
    (r"^/api/v1/scorecard/", "scorecard"),
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
DEVICE_TIME = OpenApiParameter(
    DEVICE_TIME_HEADER,
    OpenApiTypes.DATETIME,
    OpenApiParameter.HEADER,
    description="Optional. The phone's clock when it sends this request (ISO 8601 "
    "with its offset, e.g. `2026-11-23T10:40:00+08:00`). The server measures the "
    "phone's clock offset (server time - Device-Time) and corrects every time "
    "the phone reports in this request by it (`occurred_at`, `captured_at`), so "
    "a phone whose clock is wrong still reports right times. Send it on every "
    "write that carries such a time, set when the request is sent (not when it "
    "was queued). It is not part of the Idempotency-Key's request: a retry "
    "with a new Device-Time still gets the first answer. An unreadable value is "
    "refused (400 `device_time_invalid`).",
)

V1 = "/api/v1"
# (method, path) -> (operation id, summary) where the view does not name its own.
OPERATIONS = {
    ("POST", f"{V1}/auth/token/"): ("sign_in", "Sign in: get an API token"),
    ("GET", f"{V1}/me/"): ("me", "Who am I"),
    ("GET", f"{V1}/me/visits/"): ("my_day", "My visits of a day"),
    ("GET", f"{V1}/visits/"): ("visits_list", "List visits"),
    ("POST", f"{V1}/visits/"): ("visit_book", "Book a visit"),
    ("GET", f"{V1}/visits/{{id}}/"): ("visit_get", "A visit, its leaves and events"),
    ("GET", f"{V1}/work-orders/"): ("work_orders_list", "List work orders"),
    ("POST", f"{V1}/work-orders/"): ("work_order_open", "Open a work order"),
    ("GET", f"{V1}/work-orders/{{id}}/"): ("work_order_get", "A work order"),
    ("GET", f"{V1}/visits/{{id}}/checklist/"): ("checklist_get", "A visit's checklist"),
    ("PUT", f"{V1}/visits/{{id}}/checklist/{{item_id}}/"): (
        "checklist_answer",
        "Answer one checklist item",
    ),
    ("POST", f"{V1}/visits/{{id}}/checklist/batch/"): (
        "checklist_answer_batch",
        "Answer several items (an offline queue)",
    ),
    ("GET", f"{V1}/visits/{{id}}/photos/"): ("photos_list", "A visit's photos"),
    ("POST", f"{V1}/visits/{{id}}/photos/"): ("photo_upload", "Upload a photo"),
    ("GET", f"{V1}/photos/{{id}}/image/"): ("photo_image", "A photo's image"),
    ("GET", f"{V1}/photos/{{id}}/thumbnail/"): ("photo_thumbnail", "A thumbnail"),
    ("GET", f"{V1}/visits/{{id}}/sign-off/"): ("sign_off_screen", "The signing screen"),
    ("POST", f"{V1}/visits/{{id}}/sign-off/"): (
        "sign_off",
        "The customer signs on the technician's phone",
    ),
    ("POST", f"{V1}/visits/{{id}}/sign-off-links/"): (
        "sign_off_link_create",
        "A signing link for the customer's own phone",
    ),
    ("GET", f"{V1}/visits/{{id}}/service-card/"): ("service_card", "The service card"),
    ("GET", f"{V1}/visits/{{id}}/service-card.pdf"): (
        "service_card_pdf",
        "The service card as PDF",
    ),
    ("GET", f"{V1}/visits/{{id}}/receipt.pdf"): ("receipt_pdf", "The signed receipt"),
    ("GET", f"{V1}/calls/"): ("calls_list", "Calls and their outcomes"),
    ("GET", f"{V1}/reschedule-requests/"): (
        "reschedule_requests_list",
        "Customers who asked for another time",
    ),
    ("GET", f"{V1}/complaints/"): ("complaints_list", "List complaints"),
    ("POST", f"{V1}/complaints/"): ("complaint_file", "File a complaint"),
    ("POST", f"{V1}/complaints/{{id}}/respond/"): (
        "complaint_respond",
        "First response to a complaint",
    ),
    ("POST", f"{V1}/complaints/{{id}}/resolve/"): (
        "complaint_resolve",
        "Resolve a complaint",
    ),
    ("GET", f"{V1}/technicians/"): ("technicians_list", "List technicians"),
    ("POST", f"{V1}/technicians/"): ("technician_add", "Add a technician"),
    ("GET", f"{V1}/customers/"): ("customers_list", "List customers"),
    ("POST", f"{V1}/customers/"): ("customer_add", "Add a customer"),
    ("GET", f"{V1}/customers/{{id}}/"): ("customer_get", "A customer"),
    ("PATCH", f"{V1}/customers/{{id}}/"): ("customer_edit", "Edit a customer"),
}

REFUSALS = {
    "400": "The input is wrong: `fields` says which and why.",
    "401": "Not signed in: send `Authorization: Token …` (POST /api/v1/auth/token/).",
    "403": "Signed in, but this is someone else's step (e.g. only a dispatcher).",
    "404": "No such object among those you can see (on a list: no such page).",
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

    def get_summary(self) -> str | None:
        named = OPERATIONS.get((self.method, self.path))
        return named[1] if named else super().get_summary()

    def get_operation_id(self) -> str:
        named = OPERATIONS.get((self.method, self.path))
        return named[0] if named else super().get_operation_id()

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), ACCEPT_LANGUAGE]
        if self.method in WRITE_METHODS and isinstance(
            self.view, IdempotentWritesMixin
        ):
            parameters.append(IDEMPOTENCY_KEY)
        if self.method in WRITE_METHODS and isinstance(self.view, DeviceClockMixin):
            parameters.append(DEVICE_TIME)
        return parameters

    def refusals(self) -> list[str]:
        """The refusal statuses this operation can answer with."""
        is_write = self.method in WRITE_METHODS
        query = {
            parameter["name"]
            for parameter in self._get_parameters()
            if parameter["in"] == "query"
        }
        statuses = []
        # A query is input too: filters refuse values they cannot read, and
        # the input middleware refuses what no field can hold (NUL, …).
        if is_write or query:
            statuses.append("400")
        permissions = self.view.get_permissions()
        if permissions and not any(isinstance(p, AllowAny) for p in permissions):
            statuses += ["401", "403"]
        # A list's page beyond its last is not found either.
        if "{" in self.path or "page" in query:
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
