"""A database out of reach, or one that drops the connection in the middle of a
request: a 503 the client may retry (JSON in the error shape on the API, a plain
page elsewhere), never a 500 with a traceback, nothing half-written, and the
next request served again. Against the app under gunicorn."""

import threading
from datetime import UTC, datetime

import psycopg
import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.factories import DispatcherFactory, TechnicianFactory
from tests.processes import (
    WebServer,
    app_environment,
    free_port,
    this_run_database_url,
    wait_for,
)
from tests.visits.checklists.checklist_helpers import book
from visits.models import Call, Visit, VisitEvent

ENGLISH = (
    "The service is briefly unavailable; nothing was saved. Try again in a moment."
)
CHINESE = "服务暂时不可用，未保存任何内容。请稍后再试。"  # noqa: RUF001


def token_of(user) -> str:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=datetime(2100, 1, 1, tzinfo=UTC))
    return token.key


@pytest.fixture(scope="module")
def unreachable_database_server(tmp_path_factory):
    """The app with DATABASE_URL pointing at a port nothing listens on."""
    closed = free_port()
    server = WebServer(
        tmp_path_factory.mktemp("unreachable"),
        app_environment(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/gone"),
    ).start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("language", "detail"), [("en", ENGLISH), ("zh-hans", CHINESE)]
)
def test_an_unreachable_database_is_a_503_in_the_error_shape_on_the_api(
    unreachable_database_server, language, detail
):
    response = requests.get(
        f"{unreachable_database_server.url}/api/v1/me/visits/",
        headers={"Authorization": "Token abc", "Accept-Language": language},
        timeout=30,
    )

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Retry-After"] == "5"
    assert response.json() == {"code": "database_unavailable", "detail": detail}


def test_signing_in_with_the_database_unreachable_is_a_503_too(
    unreachable_database_server,
):
    response = requests.post(
        f"{unreachable_database_server.url}/api/v1/auth/token/",
        json={"username": "someone", "password": "secret-pass-1"},
        headers={"Accept-Language": "en"},
        timeout=30,
    )

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Service unavailable"), ("zh-hans", "服务暂时不可用")],
)
def test_an_unreachable_database_is_a_plain_503_page_for_a_person(
    unreachable_database_server, language, title
):
    # A session cookie: the page has to read the session, from the database.
    response = requests.get(
        f"{unreachable_database_server.url}/admin/",
        cookies={"sessionid": "a-session"},
        headers={"Accept-Language": language},
        timeout=30,
        allow_redirects=False,
    )

    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"] == "5"
    assert f"<h1>{title}</h1>" in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text


# --- Dropped in the middle of a request (PostgreSQL) -----------------------------


def _blocked_backend() -> int | None:
    """The server's backend waiting for a lock in the test database, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def server(tmp_path, transactional_db):
    """The app on the test database."""
    server = WebServer(tmp_path, app_environment(DATABASE_URL=this_run_database_url()))
    yield server.start()
    server.stop()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_request_is_a_503_and_nothing_is_written(server):
    # Given a booked visit with pending calls, and the app under gunicorn
    visit = book(TechnicianFactory(), minutes_ahead=3 * 24 * 60)
    key = token_of(DispatcherFactory())
    events_before = list(VisitEvent.objects.filter(visit=visit).values_list("kind"))
    calls_before = sorted(Call.objects.filter(visit=visit).values_list("id", "state"))
    assert {state for _id, state in calls_before} == {"scheduled"}
    answers = []

    def cancel():
        answers.append(
            requests.post(
                f"{server.url}/api/v1/visits/{visit.pk}/actions/cancel/",
                json={"reason": "The customer moved away"},
                headers={"Authorization": f"Token {key}", "Accept-Language": "en"},
                timeout=120,
            )
        )

    # Another transaction holds one of the visit's calls: cancelling locks the
    # visit, marks it cancelled, writes its event, then waits to cancel the calls.
    holder = psycopg.connect(this_run_database_url(), autocommit=False)
    try:
        holder.execute(
            "SELECT id FROM visits_call WHERE id = %s FOR UPDATE",
            (calls_before[0][0],),
        )
        request = threading.Thread(target=cancel)
        request.start()
        pid: list[int] = []

        def blocked() -> bool:
            assert request.is_alive(), (
                f"answered without waiting: {[a.text for a in answers]}"
            )
            found = _blocked_backend()
            if found:
                pid.append(found)
            return bool(found)

        wait_for(blocked, 60, "the request to wait for the lock")
        # When its connection is dropped by the server
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid[0]])
        request.join(120)
    finally:
        holder.rollback()
        holder.close()
    # Then the client is told to retry, and nothing of the request is kept
    [answer] = answers
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert answer.json() == {"code": "database_unavailable", "detail": ENGLISH}
    assert Visit.objects.get(pk=visit.pk).state == "scheduled"
    assert list(VisitEvent.objects.filter(visit=visit).values_list("kind")) == (
        events_before
    )
    assert sorted(Call.objects.filter(visit=visit).values_list("id", "state")) == (
        calls_before
    )

    # And the same request sent again is served (the app reconnected)
    cancel()
    assert answers[-1].status_code == 200, answers[-1].text
    assert Visit.objects.get(pk=visit.pk).state == "cancelled"
    assert {
        state for (state,) in Call.objects.filter(visit=visit).values_list("state")
    } == {"cancelled"}
    assert "Traceback" in server.log()  # the dropped connection is logged
