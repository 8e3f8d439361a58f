"""Schema fuzzing: every operation of the OpenAPI schema, once per role, with
requests generated from the schema (schemathesis): no answer is a server
error, and every answer is one the schema documents (its status, content type,
headers and body).

The requests reach the WSGI application in-process (CSRF, middleware and all),
signed in with each role's token, in the access matrix's world
(tests/security/world.py). Ids in paths, queries and bodies are drawn from that
world about half the time, so requests reach real visits, items, photos,
complaints and calls, the role's own and other people's.

Every request runs in a savepoint that is rolled back, so the world stays as it
was, and the sign-in throttle of the client's address is emptied before it: a
generated sign-in never spends the allowance of the cases after it, and the
failed attempts axes counts (database rows) go with the savepoint.

Quick by default (CI): a fixed seed, schemathesis's deterministic coverage
cases, and FUZZ_EXAMPLES generated examples per operation and role (default
4). A longer run: `FUZZ_EXAMPLES=100 .venv/bin/pytest tests/security/test_fuzz.py`.
The number of requests per role is printed at the end of the run.
"""

import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from axes.utils import reset as axes_reset
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import TOKEN_CREATED
from tests.security.world import World, build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("FUZZ_SEED", "12"))
ROLES = ("technician", "customer", "dispatcher", "admin", "anonymous")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Requests sent, per role and per (role, status class), printed at the end of
# the run by tests/security/conftest.py.
REQUESTS: Counter[str] = Counter()
ANSWERS: Counter[tuple[str, str]] = Counter()
# How many coverage cases each (operation, role) has had so far.
COVERAGE_TURNS: Counter[tuple[str, str]] = Counter()
# The world's ids by kind, filled when the world is built.
WORLD_IDS: dict[str, list[int]] = {}


def load_schema():
    """The schema drf-spectacular generates, as JSON (as /api/schema/ serves it)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(document)),
        config=schemathesis.Config.from_dict({"seed": SEED}),
    )


schema = load_schema()
APP = WSGIHandler()
# The client's address: werkzeug's test client sets none, a real server does.
ADDRESS = "127.0.0.1"

# --- Ids from the world ------------------------------------------------------------
# A path's {id} by the collection it follows; other parameters by name.
PATH_KINDS = {
    "visits": "visit",
    "photos": "photo",
    "complaints": "complaint",
    "conduct-items": "conduct_item",
    "calls": "call",
    "customers": "customer",
    "work-orders": "work_order",
}
NAMED_KINDS = {
    "item_id": "item",
    "item": "item",
    "visit": "visit",
    "work_order": "work_order",
    "technician": "technician",
    "customer": "customer",
    "team": "team",
    "year": "year",
    "month": "month",
}


def kind_of(path: str, name: str) -> str | None:
    if name == "id":
        collection = path.split("/{id}")[0].rsplit("/", 1)[-1]
        return PATH_KINDS.get(collection)
    return NAMED_KINDS.get(name)


def with_world_ids(path: str, values):
    """A strategy: `values` with each id-like integer either kept or replaced
    by one of the world's ids of its kind."""
    if not isinstance(values, dict):
        return st.just(values)
    drawn = {}
    for name, value in values.items():
        pool = WORLD_IDS.get(kind_of(path, name) or "")
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        if pool and is_integer:
            drawn[name] = st.sampled_from(pool) | st.just(value)
        else:
            drawn[name] = st.just(value)
    return st.fixed_dictionaries(drawn)


def aim_coverage_case(case, turn: int) -> None:
    """Coverage cases are made before the world exists (when the tests are
    collected), so their ids are the schema's placeholder (0): in turn, they
    take each of the world's ids of their kind, and every so often keep the
    placeholder. Only id-like integers change; values the case sends to be
    refused (a word, -1, 2**63) stay."""
    for values in (case.path_parameters, case.query, case.body):
        if not isinstance(values, dict):
            continue
        for name, value in values.items():
            pool = WORLD_IDS.get(kind_of(case.operation.path, name) or "")
            number = id_like(value)
            if pool and number is not None:
                choice = [*pool, number][turn % (len(pool) + 1)]
                values[name] = str(choice) if isinstance(value, str) else choice


def id_like(value) -> int | None:
    """The id in `value`, an integer or its digits (paths and queries are
    text), if it is one an id column could hold."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
        return value
    return None


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return with_world_ids(context.operation.path, path_parameters)


@schema.hook
def flatmap_query(context, query):
    return with_world_ids(context.operation.path, query)


@schema.hook
def flatmap_body(context, body):
    return with_world_ids(context.operation.path, body)


def world_ids(world: World) -> dict[str, list[int]]:
    from accounts.models import Team
    from visits.models import ConductConfirmation, VisitChecklistItem

    ids: dict[str, set[int]] = {}
    for side in (world.a, world.b):
        for kind, values in side.ids.items():
            ids.setdefault(kind, set()).update(values)
    ids["technician"].add(world.dispatcher.id)
    ids["item"] = set(
        VisitChecklistItem.objects.filter(visit__in=ids["visit"]).values_list(
            "id", flat=True
        )
    )
    ids["conduct_item"] = set(
        ConductConfirmation.objects.filter(
            sign_off__visit__in=ids["visit"]
        ).values_list("id", flat=True)
    )
    ids["team"] = set(Team.objects.values_list("id", flat=True))
    today = timezone.localdate()
    ids["year"] = {today.year - 1, today.year}
    ids["month"] = set(range(1, 13))
    return {kind: sorted(values) for kind, values in ids.items() if values}


# --- The world and the roles -------------------------------------------------------
def users(world: World) -> dict:
    return {
        "technician": world.a.technician,
        "customer": world.a.customer_user,
        "dispatcher": world.dispatcher,
        "admin": world.admin,
    }


def token_of(user) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    Token.objects.filter(pk=token.pk).update(created=TOKEN_CREATED)
    return token.key


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, rolled back at its end; its photos' files in
    a folder of the module's own."""
    from django.conf import settings as django_settings

    media = tmp_path_factory.mktemp("fuzz-media")
    previous = django_settings.MEDIA_ROOT
    django_settings.MEDIA_ROOT = media
    with django_db_blocker.unblock(), transaction.atomic():
        axes_reset()
        built = build_world()
        built.media = media  # type: ignore[attr-defined]
        built.tokens = {role: token_of(user) for role, user in users(built).items()}  # type: ignore[attr-defined]
        WORLD_IDS.update(world_ids(built))
        yield built
        WORLD_IDS.clear()
        transaction.set_rollback(True)
    django_settings.MEDIA_ROOT = previous


@pytest.fixture(autouse=True)
def media_root(world, settings):
    """The world's media folder; the in-process requests come to `localhost`."""
    settings.MEDIA_ROOT = world.media
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    return world.media


class _Undo(Exception):
    pass


@contextmanager
def undone() -> Iterator[None]:
    """Runs the block in a savepoint that is rolled back, the sign-in throttle
    emptied first. The connection stays open across the request, as in
    Django's test client (a bare WSGI handler closes it at each request's
    start and end, inside the test's transaction)."""
    cache.delete(f"throttle_login_{ADDRESS}")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # A module-scoped world and slow PDFs are intended; bodies are large.
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented_and_none_is_a_server_error(case, role, world):
    if case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE:
        turn = COVERAGE_TURNS[case.operation.label, role]
        COVERAGE_TURNS[case.operation.label, role] += 1
        aim_coverage_case(case, turn)
    token = world.tokens.get(role)
    headers = {"Authorization": f"Token {token}"} if token else {}
    with undone():
        response = case.call(
            app=APP, headers=headers, environ_overrides={"REMOTE_ADDR": ADDRESS}
        )
        REQUESTS[role] += 1
        ANSWERS[role, f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)
    # The sign-in throttle and lockout are emptied before every case: one
    # answering 429 would mean a case spent the allowance of those after it.
    assert response.status_code != 429, "the sign-in throttle was not reset"
