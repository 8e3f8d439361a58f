"""The schema says what the API answers: real responses, for objects in every
state and for every kind of refusal, validate against the generated schema."""

import base64
import copy
import re

import jsonschema
import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from tests.factories import VisitFactory
from tests.signing import all_confirmed, signature_png
from tests.visits.checklists.checklist_helpers import answer_everything, book
from visits.lifecycle.rules import VisitState
from visits.signoffs.services import current_consent

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0 `nullable: true` as JSON Schema's `null` type."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def _path_template(openapi, url: str) -> str:
    """The schema's path for a concrete URL, e.g. /api/v1/visits/{id}/."""
    path = url.split("?")[0]
    for template in openapi["paths"]:
        pattern = re.sub(r"\\{[^}]+\\}", r"[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return template
    raise AssertionError(f"{path} is not in the schema")


def assert_answer_documented(openapi, method: str, url: str, response):
    """The response's status is documented for the operation, and its JSON body
    validates against the documented schema."""
    template = _path_template(openapi, url)
    operation = openapi["paths"][template][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (
        f"{method} {template} answers {status}, documented: "
        f"{sorted(operation['responses'])}"
    )
    content = operation["responses"][status].get("content", {})
    body_schema = content.get("application/json", {}).get("schema")
    if body_schema is None:
        return
    document = _json_schema(
        {"components": copy.deepcopy(openapi["components"]), **body_schema}
    )
    jsonschema.validate(response.json(), document)


@pytest.mark.parametrize("state", list(VisitState))
def test_visits_in_every_state_answer_as_documented(
    state, api, technician, dispatcher, openapi
):
    visit = VisitFactory(technician=technician, state=state)

    for user in (technician, dispatcher):
        client = api.as_user(user)
        for url in [
            f"/api/v1/visits/{visit.id}/",
            "/api/v1/visits/",
            f"/api/v1/work-orders/{visit.work_order_id}/",
            "/api/v1/me/",
            "/api/v1/",
        ]:
            assert_answer_documented(openapi, "GET", url, client.get(url))
    assert_answer_documented(
        openapi,
        "GET",
        "/api/v1/me/visits/",
        api.as_user(technician).get("/api/v1/me/visits/"),
    )


def test_a_complaint_without_a_contested_item_answers_as_documented(
    api, technician, dispatcher, openapi
):
    visit = VisitFactory(technician=technician, state=VisitState.SIGNED_OFF)
    client = api.as_user(dispatcher)

    filed = client.post(
        "/api/v1/complaints/",
        {"visit": visit.id, "description": "没有人联系我"},
        format="json",
    )
    listed = client.get("/api/v1/complaints/")

    assert filed.status_code == 201, filed.json()
    assert filed.json()["contested_item"] is None
    assert_answer_documented(openapi, "POST", "/api/v1/complaints/", filed)
    assert_answer_documented(openapi, "GET", "/api/v1/complaints/", listed)


def test_every_kind_of_refusal_answers_with_a_documented_status(
    api, technician, other_technician, openapi
):
    visit = VisitFactory(technician=technician)
    me = api.as_user(technician)
    answers = [
        ("POST", "/api/v1/work-orders/", me.post("/api/v1/work-orders/", {})),
        (
            "POST",
            f"/api/v1/visits/{visit.id}/actions/arrive/",
            me.post(f"/api/v1/visits/{visit.id}/actions/arrive/"),
        ),
        (
            "POST",
            f"/api/v1/visits/{visit.id}/actions/cancel/",
            me.post(f"/api/v1/visits/{visit.id}/actions/cancel/", {"reason": "x"}),
        ),
        (
            "POST",
            f"/api/v1/visits/{visit.id}/actions/leave/",
            me.post(f"/api/v1/visits/{visit.id}/actions/leave/", {}),
        ),
        (
            "GET",
            f"/api/v1/visits/{visit.id}/",
            api.as_user(other_technician).get(f"/api/v1/visits/{visit.id}/"),
        ),
    ]
    api.credentials()
    answers.append(("GET", "/api/v1/visits/", api.get("/api/v1/visits/")))
    answers.append(("POST", "/api/v1/auth/token/", api.post("/api/v1/auth/token/", {})))

    assert [response.status_code for *_request, response in answers] == [
        403,
        409,
        403,
        400,
        404,
        401,
        400,
    ]
    for method, url, response in answers:
        assert_answer_documented(openapi, method, url, response)


def test_every_operation_documents_the_language_and_every_write_its_idempotency_key(
    openapi,
):
    for template, operations in openapi["paths"].items():
        for method, operation in operations.items():
            headers = {
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "header"
            }
            assert "Accept-Language" in headers, (method, template)
            assert operation.get("summary"), (method, template)
            assert not operation["operationId"].startswith("v1_"), template
            view = resolve(re.sub(r"\{[^}]+\}", "1", template)).func.view_class
            # Signing in or out twice is harmless: no key needed.
            if method in {"post", "put", "patch", "delete"} and template not in {
                "/api/v1/auth/token/",
                "/api/v1/auth/session/",
            }:
                assert "Idempotency-Key" in headers, (method, template, view)
            assert operation["tags"][0] in {
                "auth",
                "my day",
                "lifecycle",
                "checklist and photos",
                "sign-off and documents",
                "calls and complaints",
                "people",
                "console",
                "scorecard",
            }, (method, template)


def test_a_visit_worked_through_to_its_follow_up_answers_as_documented(
    api, technician, dispatcher, openapi, django_capture_on_commit_callbacks
):
    visit = book(technician)
    client = api.as_user(technician)
    read = [
        f"/api/v1/visits/{visit.id}/checklist/",
        f"/api/v1/visits/{visit.id}/photos/",
        f"/api/v1/visits/{visit.id}/service-card/",
        "/api/v1/me/visits/",
    ]
    answers = [("GET", url, client.get(url)) for url in read]
    for step in ("start-travel", "arrive", "start-work"):
        client.post(f"/api/v1/visits/{visit.id}/actions/{step}/")
    answers += [("GET", url, client.get(url)) for url in read]
    answer_everything(client, visit)
    client.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")
    answers.append(
        (
            "GET",
            f"/api/v1/visits/{visit.id}/sign-off/",
            client.get(f"/api/v1/visits/{visit.id}/sign-off/"),
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(
            f"/api/v1/visits/{visit.id}/sign-off/",
            {
                "signer_name": "刘洋",
                "signature": "data:image/png;base64,"
                + base64.b64encode(signature_png()).decode(),
                "consent_version": current_consent().version,
                "conduct": all_confirmed(visit),
            },
            format="json",
        )
    answers.append(("POST", f"/api/v1/visits/{visit.id}/sign-off/", signed))
    answers += [("GET", url, client.get(url)) for url in read]
    staff = api.as_user(dispatcher)
    for url in [
        "/api/v1/calls/",
        "/api/v1/reschedule-requests/",
        "/api/v1/complaints/",
    ]:
        answers.append(("GET", url, staff.get(url)))

    assert signed.status_code == 201, signed.json()
    for method, url, response in answers:
        assert_answer_documented(openapi, method, url, response)


def test_device_time_is_documented_on_the_writes_that_carry_a_phones_time(openapi):
    """docs/rules.md#offline-steps: the technician's steps and the checklist's
    writes read Device-Time; a dispatcher's steps and reads do not."""
    documented = {
        (method, template)
        for template, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if any(
            parameter["in"] == "header" and parameter["name"] == "Device-Time"
            for parameter in operation.get("parameters", [])
        )
    }
    steps = ["start-travel", "arrive", "start-work", "leave", "return", "finish-work"]

    assert documented == {
        *(("post", f"/api/v1/visits/{{id}}/actions/{step}/") for step in steps),
        ("put", "/api/v1/visits/{id}/checklist/{item_id}/"),
        ("post", "/api/v1/visits/{id}/checklist/batch/"),
        ("post", "/api/v1/visits/{id}/photos/"),
    }
    arrive = openapi["paths"]["/api/v1/visits/{id}/actions/arrive/"]["post"]
    body = arrive["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = openapi["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert fields["occurred_at"]["format"] == "date-time"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/visits/?technician=0",
        "/api/v1/work-orders/?customer=0",
        "/api/v1/me/visits/?date=yesterday",
        "/api/v1/console/customers/?q=a%00b",
        # The lists paged by cursor: a forged cursor, and a page too deep.
        "/api/v1/visits/?cursor=forged",
        "/api/v1/customers/?page=1000000",
    ],
)
def test_a_query_a_list_cannot_read_is_a_documented_400(url, api, dispatcher, openapi):
    response = api.as_user(dispatcher).get(url)

    assert response.status_code == 400, response.json()
    assert_answer_documented(openapi, "GET", url, response)


@pytest.mark.parametrize(
    "url", ["/api/v1/customers/?page=2", "/api/v1/technicians/?page=0"]
)
def test_a_page_beyond_a_lists_last_is_a_documented_404(url, api, dispatcher, openapi):
    response = api.as_user(dispatcher).get(url)

    assert response.status_code == 404, response.json()
    assert_answer_documented(openapi, "GET", url, response)


def test_a_complaint_about_someone_elses_visit_is_a_documented_404(
    api, technician, customer_user, openapi
):
    from visits.models import Complaint

    visit = VisitFactory(technician=technician, state=VisitState.SIGNED_OFF)

    response = api.as_user(customer_user).post(
        "/api/v1/complaints/",
        {"visit": visit.id, "description": "Not my visit."},
        format="json",
    )

    assert response.status_code == 404
    assert Complaint.objects.count() == 0
    assert_answer_documented(openapi, "POST", "/api/v1/complaints/", response)
