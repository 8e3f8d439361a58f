"""Input no field can hold, sent to every API write and filter: always a 4xx
in the error shape, never a 500, and nothing written.

The operations and their fields come from the OpenAPI schema, so a new route
is swept without touching this file.
"""

import functools
import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from tests.factories import CustomerFactory, DispatcherFactory, TechnicianFactory
from tests.visits.checklists.checklist_helpers import book
from visits.complaints import services as complaint_services

pytestmark = pytest.mark.django_db

NUL_TEXT = "a\x00b"
BAD_DATES = [
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+08:00",
    "9999-12-31",
    "0001-01-01",
]
# Written into the JSON text as they are: json.dumps cannot produce them.
BAD_NUMBERS = ["1e5000", "-1e5000", "NaN", "Infinity", "-Infinity", "1e30"]
BAD_INTEGERS = ["99999999999999999999", "-99999999999999999999"]
# Fits the JSON parser's 64 bits but no 32-bit integer column.
BEYOND_32_BITS = "4294967296"
RAW = "__raw_json_literal__"


@functools.cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(node: dict) -> dict:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(schema()["components"]["schemas"][name])
    return node


def _request_properties(operation: dict) -> dict[str, dict]:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json") or next(iter(content.values()), None)
    if body is None:
        return {}
    node = _resolve(body["schema"])
    if node.get("type") == "array":
        node = _resolve(node["items"])
    return {name: _resolve(value) for name, value in node.get("properties", {}).items()}


def _operations(methods: set[str]) -> list[tuple[str, str]]:
    """(path, method) of every API operation with one of `methods`; computed at
    collection time from the URL conf through the schema generator."""
    import django

    django.setup()
    generated = schema()
    return sorted(
        (path, method)
        for path, operations in generated["paths"].items()
        for method in operations
        if method in methods and path.startswith("/api/v1/")
    )


WRITE_OPERATIONS = _operations({"post", "put", "patch"})
READ_OPERATIONS = _operations({"get"})


@pytest.fixture
def world(technician):
    """One of each object a path can name, and the two roles that write."""
    visit = book(technician, minutes_ahead=24 * 60)
    dispatcher = DispatcherFactory()
    complaint = complaint_services.complaint_file(
        visit=visit, by=dispatcher, description="很慢"
    )
    return {
        "visit": visit,
        "technician": technician,
        "dispatcher": dispatcher,
        "complaint": complaint,
        "customer": visit.work_order.customer,
        "item": visit.checklist.order_by("id").first(),
    }


def _url(path: str, world: dict) -> str:
    ids = {
        "visits": world["visit"].id,
        "work-orders": world["visit"].work_order_id,
        "customers": world["customer"].id,
        "complaints": world["complaint"].id,
        "photos": 999999,
    }

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name == "item_id":
            return str(world["item"].id)
        if name == "name":
            return "no-such-step"
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return str(ids.get(before, 1))

    return re.sub(r"\{(\w+)\}", fill, path)


def _plausible(name: str, spec: dict, world: dict):
    known = {
        "work_order": world["visit"].work_order_id,
        "technician": world["technician"].id,
        "customer": world["customer"].id,
        "visit": world["visit"].id,
        "item": world["item"].id,
        "appointed_start": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    if name in known:
        return known[name]
    if "enum" in spec:
        return spec["enum"][0]
    return {
        "integer": 1,
        "number": 1,
        "boolean": True,
        "array": [],
        "object": {},
    }.get(spec.get("type"), "text")


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }


def _send(api, method: str, url: str, body: dict, raw: str | None, **headers):
    text = json.dumps(body)
    if raw is not None:
        text = text.replace(json.dumps(RAW), raw)
    return getattr(api, method)(
        url, data=text, content_type="application/json", **headers
    )


def _assert_refused(response, context) -> None:
    assert 400 <= response.status_code < 500, (context, response.status_code)
    body = response.json()
    assert body["code"], context
    assert body["detail"], context


def _bad_bodies(properties: dict[str, dict], world: dict):
    """(description, body, raw literal) with one field bad and the others plausible."""
    plausible = {
        name: _plausible(name, spec, world) for name, spec in properties.items()
    }
    names = list(properties) or ["value"]
    for name in names:
        yield f"{name}=NUL", {**plausible, name: NUL_TEXT}, None
        yield f"{name}=nested NUL", {**plausible, name: {"k": ["x", NUL_TEXT]}}, None
        yield f"NUL key next to {name}", {**plausible, "\x00": 1}, None
        for number in BAD_NUMBERS + BAD_INTEGERS:
            yield f"{name}={number}", {**plausible, name: RAW}, number
        if properties.get(name, {}).get("type") == "integer":
            yield f"{name}={BEYOND_32_BITS}", {**plausible, name: RAW}, BEYOND_32_BITS
        if properties.get(name, {}).get("format") in ("date-time", "date"):
            for date in BAD_DATES:
                yield f"{name}={date}", {**plausible, name: date}, None


@pytest.mark.parametrize(("path", "method"), WRITE_OPERATIONS)
def test_a_write_with_input_no_field_can_hold_is_refused_and_writes_nothing(
    api, world, path, method
):
    operation = schema()["paths"][path][method]
    properties = _request_properties(operation)
    url = _url(path, world)
    for user in (world["dispatcher"], world["technician"]):
        api.as_user(user)  # the tokens exist before the rows are counted
    before = _row_counts()

    for user in (world["dispatcher"], world["technician"]):
        api.as_user(user)
        for description, body, raw in _bad_bodies(properties, world):
            field = properties.get(description.split("=")[0], {})
            if description.endswith("=1e30") and field.get("type") != "integer":
                continue  # a fine float, or text, for any field but an integer
            response = _send(api, method, url, body, raw)
            _assert_refused(response, (method, url, user.role, description))

    assert _row_counts() == before


@pytest.mark.parametrize(("path", "method"), READ_OPERATIONS)
def test_a_filter_with_a_nul_or_an_impossible_date_is_refused(api, world, path, method):
    operation = schema()["paths"][path][method]
    parameters = [
        parameter["name"]
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ] or ["q"]
    dates = {
        parameter["name"]
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        and parameter.get("schema", {}).get("format") in ("date", "date-time")
    }
    url = _url(path, world)

    for user in (world["dispatcher"], world["technician"]):
        api.as_user(user)
        for name in parameters:
            nul = api.get(url, {name: NUL_TEXT})
            _assert_refused(nul, (url, user.role, name, "NUL"))
            for value in [*BAD_NUMBERS, *BAD_INTEGERS, *BAD_DATES]:
                response = api.get(url, {name: value})
                assert response.status_code != 500, (url, name, value)
                if name in dates and value in BAD_DATES:
                    _assert_refused(response, (url, user.role, name, value))


@pytest.mark.parametrize(
    ("path", "method"),
    [
        (path, method)
        for path, method in WRITE_OPERATIONS + READ_OPERATIONS
        if "{" in path
    ],
)
def test_an_id_beyond_any_column_in_the_path_is_a_404(api, world, path, method):
    url = re.sub(r"\{\w+\}", "99999999999999999999", path)

    for user in (world["dispatcher"], world["technician"]):
        response = getattr(api.as_user(user), method)(url, {}, format="json")
        assert response.status_code in (403, 404), (url, user.role)


@pytest.mark.parametrize(
    "header", ["HTTP_IDEMPOTENCY_KEY", "HTTP_IF_MATCH", "HTTP_ACCEPT_LANGUAGE"]
)
def test_a_header_with_a_nul_is_refused_and_writes_nothing(api, world, header):
    item = world["item"]
    url = f"/api/v1/visits/{world['visit'].id}/checklist/{item.id}/"
    api.as_user(world["technician"])
    before = _row_counts()

    response = api.put(url, {"value": True}, format="json", **{header: "k\x00ey"})

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert _row_counts() == before


def test_a_nul_is_refused_in_the_language_the_phone_asks_for(api, world):
    response = api.as_user(world["dispatcher"]).post(
        "/api/v1/customers/",
        {
            "name": "王\x00芳",
            "phone": "13900000001",
            "address": "x",
            "area_tier": "urban",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert "空字符" in response.json()["detail"]


def test_a_nul_in_a_form_field_of_the_api_is_refused(api, world):
    api.as_user(world["dispatcher"])
    before = _row_counts()

    response = api.post(
        "/api/v1/customers/",
        {
            "name": "王\x00芳",
            "phone": "13900000001",
            "address": "x",
            "area_tier": "urban",
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert _row_counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/verify/abc%00def/",
        "/sign/abc%00def/",
        "/sign/abc%00def/receipt.pdf",
        "/verify/abc/?x=%00",
    ],
)
def test_a_public_page_with_a_nul_in_its_address_is_a_plain_400_page(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL character" in response.text


def test_a_signing_form_with_a_nul_is_a_400_page_and_signs_nothing(client, world):
    before = _row_counts()

    response = client.post(
        "/sign/some-token/", {"signer_name": "刘\x00洋"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert "空字符" in response.text
    assert _row_counts() == before


def test_a_customer_made_elsewhere_is_not_touched_by_the_sweep(world):
    """The sweep's row counts mean something: a write is visible in them."""
    before = _row_counts()

    CustomerFactory()

    assert _row_counts() != before


def test_an_api_technician_made_elsewhere_is_counted(world):
    before = _row_counts()

    TechnicianFactory()

    assert _row_counts() != before
