import os
from datetime import UTC, datetime

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests import factories

TOKEN_CREATED = datetime(2100, 1, 1, tzinfo=UTC)


def _services_required() -> bool:
    return os.environ.get("FIELDSERVICE_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres/redis are skipped where the service is not
    configured, except in CI (FIELDSERVICE_REQUIRE_SERVICES=1), where a
    missing service fails the run instead of silently skipping."""
    has_postgres = os.environ.get("DATABASE_URL", "").startswith(
        ("postgres", "postgis")
    )
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if (
            "postgres" in item.keywords
            and not has_postgres
            and not _services_required()
        ):
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL")
            )
        if "redis" in item.keywords and not has_redis and not _services_required():
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


@pytest.fixture(autouse=True)
def fresh_login_throttle():
    """Every test starts with the `login` throttle of 127.0.0.1 (the test
    client's and the live server's address) unused: signing in is throttled
    and tests that sign in, or sweep the sign-in endpoints, must not spend the
    allowance of the tests after them. Only that key: on Redis the cache is
    shared with the broker."""
    from django.core.cache import cache

    cache.delete("throttle_login_127.0.0.1")
    cache.delete("throttle_verify_127.0.0.1")


@pytest.fixture(autouse=True)
def fresh_login_lockout(request):
    """Every test that uses the database starts with no failed sign-in counted
    by axes (its attempts are rows: a live server's test commits them)."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not uses_database:
        return
    from axes.utils import reset

    request.getfixturevalue("django_db_setup")  # the test database, never another
    with request.getfixturevalue("django_db_blocker").unblock():
        reset()


@pytest.fixture
def dispatcher(db):
    return factories.DispatcherFactory()


@pytest.fixture
def technician(db):
    return factories.TechnicianFactory()


@pytest.fixture
def other_technician(db):
    return factories.TechnicianFactory()


@pytest.fixture
def customer_user(db):
    return factories.CustomerUserFactory()


@pytest.fixture
def desk(client):
    """A dispatcher signed in to the admin, in English, as the demo dispatcher
    is; `desk.user` is the dispatcher."""
    from accounts.services import dispatcher_create

    user = dispatcher_create(username="desk", password=None)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.user = user
    return client


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs in with a token like the phone does."""

    class Client(APIClient):
        def as_user(self, user):
            from rest_framework.authtoken.models import Token

            token, _created = Token.objects.get_or_create(user=user)
            # Dated far ahead, so that it stays valid wherever a test moves the
            # clock (expiry itself: tests/accounts/test_logins.py).
            Token.objects.filter(pk=token.pk).update(created=TOKEN_CREATED)
            self.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return self

    return Client()


@pytest.fixture
def is_postgres(db) -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of each test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def migration_seeds(db):
    """The rows the migrations seed (checklist templates, the consent statement),
    put back if a transactional test's flush emptied them. pytest-django runs
    transactional tests last, in file order, so one that needs these rows can
    follow one that flushed them (a migration test, for instance)."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from visits.models import ChecklistTemplate, ConsentStatement

    if not ChecklistTemplate.objects.exists():
        seeding = importlib.import_module(
            "visits.migrations.0004_seed_checklist_templates"
        )
        seeding.seed(apps, None)
    if not ConsentStatement.objects.exists():
        consent = importlib.import_module(
            "visits.migrations.0006_consent_and_append_only_signoffs"
        )
        ConsentStatement.objects.create(
            version="2026-11",
            text_zh=consent.CONSENT_ZH,
            text_en=consent.CONSENT_EN,
            published_at=timezone.now(),
        )
