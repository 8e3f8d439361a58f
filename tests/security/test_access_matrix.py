"""The access matrix: every route of the URL resolver by every role by every
method, against one written table (`TABLE`). A route without an entry fails
the build, so no new route ships without a decided access rule.

Each row of `TABLE` is `route pattern → {method: "A B X Y D S -"}`: the
expected status for technician A, technician B, customer X, customer Y, the
dispatcher, the administrator (superuser) and anonymous, in that order.
Object routes are requested with side A's object (A serves X), so the B and Y
columns are "someone else's object" (404 by the project's rule, never 403);
then again with side B's object, the columns A↔B and X↔Y swapped.

Every request runs in a savepoint that is rolled back, so one world serves all
cases and a write by one role does not change what the next one sees.

Routes of the Django admin are left out except `/admin/` and `/admin/login/`:
they are Django's own views behind `is_staff` (the index and the login page
prove that gate here); the admin's own object-level rules are tested in
tests/visits/test_admin*.py.

Entries marked `# i12:` will change with the other issue-12 branches (login
lockout, opaque and bounded signing links, the throttled verify page).
"""

import copy
import json
import os
from collections.abc import Callable, Iterator

import pytest
from axes.utils import reset as axes_reset
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.security.world import World, build_world

ROLES = ("tech_a", "tech_b", "cust_x", "cust_y", "dispatcher", "admin", "anonymous")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MIRROR = {
    "tech_a": "tech_b",
    "tech_b": "tech_a",
    "cust_x": "cust_y",
    "cust_y": "cust_x",
}
ADMIN_ROUTES_KEPT = {"admin/", "admin/login/"}


def resolver_routes() -> dict[str, str]:
    """Every route of the URL resolver: pattern → view, the admin's own
    routes left out but for its index and login page."""

    def walk(patterns, prefix: str) -> Iterator[tuple[str, str]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.lookup_str

    return {
        pattern: view
        for pattern, view in walk(get_resolver().url_patterns, "")
        if not pattern.startswith("admin/") or pattern in ADMIN_ROUTES_KEPT
    }


# --- Where each route with parameters is requested -------------------------------
# `side` is World.a or World.b; `world` gives the shared people.
PathFor = Callable[[World, object], str]


def _photo(side) -> int:
    return side.signed.photos.order_by("id").first().id


def _item(visit) -> int:
    return visit.checklist.filter(kind="confirm").order_by("position").first().id


def _complaint(side) -> int:
    return side.signed.complaints.order_by("id").first().id


def _conduct_item(side) -> int:
    return side.signed.sign_off.conduct.order_by("id").first().id


def _call(side) -> int:
    return side.signed.calls.order_by("id").first().id


PATHS: dict[str, PathFor] = {
    "console/visits/<int:pk>/": lambda w, s: f"/console/visits/{s.signed.id}/",
    "sign/<str:token>/": lambda w, s: f"/sign/{s.unused_token}/",
    "sign/<str:token>/receipt.pdf": lambda w, s: f"/sign/{s.used_token}/receipt.pdf",
    "sign/<str:token>/service-card.pdf": (
        lambda w, s: f"/sign/{s.used_token}/service-card.pdf"
    ),
    "sign/<str:token>/photos/<int:photo_id>.jpg": (
        lambda w, s: f"/sign/{s.used_token}/photos/{_photo(s)}.jpg"
    ),
    "verify/<str:record_sha256>/": (
        lambda w, s: f"/verify/{s.signed.sign_off.snapshot_sha256}/"
    ),
    "calls/twilio/<int:call_id>/voice/": (
        lambda w, s: f"/calls/twilio/{_call(s)}/voice/"
    ),
    "calls/twilio/<int:call_id>/gather/<slug:step>/<int:attempt>/": (
        lambda w, s: f"/calls/twilio/{_call(s)}/gather/rating/1/"
    ),
    "calls/twilio/<int:call_id>/status/": (
        lambda w, s: f"/calls/twilio/{_call(s)}/status/"
    ),
    "api/v1/customers/<int:pk>/": (
        lambda w, s: f"/api/v1/customers/{s.customer_user.customer.id}/"
    ),
    "api/v1/work-orders/<int:pk>/": (
        lambda w, s: f"/api/v1/work-orders/{s.signed.work_order_id}/"
    ),
    "api/v1/visits/<int:pk>/": lambda w, s: f"/api/v1/visits/{s.signed.id}/",
    "api/v1/visits/<int:pk>/actions/start-travel/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/start-travel/"
    ),
    "api/v1/visits/<int:pk>/actions/arrive/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/arrive/"
    ),
    "api/v1/visits/<int:pk>/actions/start-work/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/start-work/"
    ),
    "api/v1/visits/<int:pk>/actions/leave/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/actions/leave/"
    ),
    "api/v1/visits/<int:pk>/actions/return/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/actions/return/"
    ),
    "api/v1/visits/<int:pk>/actions/finish-work/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/actions/finish-work/"
    ),
    "api/v1/visits/<int:pk>/actions/no-show/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/no-show/"
    ),
    "api/v1/visits/<int:pk>/actions/cancel/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/cancel/"
    ),
    "api/v1/visits/<int:pk>/actions/close/": (
        lambda w, s: f"/api/v1/visits/{s.signed.id}/actions/close/"
    ),
    "api/v1/visits/<int:pk>/actions/reschedule/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/reschedule/"
    ),
    "api/v1/visits/<int:pk>/actions/reassign/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/reassign/"
    ),
    "api/v1/visits/<int:pk>/actions/move/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/move/"
    ),
    "api/v1/visits/<int:pk>/actions/<slug:name>/": (
        lambda w, s: f"/api/v1/visits/{s.scheduled.id}/actions/fly-away/"
    ),
    "api/v1/visits/<int:pk>/checklist/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/checklist/"
    ),
    "api/v1/visits/<int:pk>/checklist/batch/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/checklist/batch/"
    ),
    "api/v1/visits/<int:pk>/checklist/<int:item_id>/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/checklist/{_item(s.working)}/"
    ),
    "api/v1/visits/<int:pk>/photos/": (
        lambda w, s: f"/api/v1/visits/{s.working.id}/photos/"
    ),
    "api/v1/photos/<int:pk>/image/": lambda w, s: f"/api/v1/photos/{_photo(s)}/image/",
    "api/v1/photos/<int:pk>/thumbnail/": (
        lambda w, s: f"/api/v1/photos/{_photo(s)}/thumbnail/"
    ),
    "api/v1/visits/<int:pk>/sign-off/": (
        lambda w, s: f"/api/v1/visits/{s.done.id}/sign-off/"
    ),
    "api/v1/visits/<int:pk>/sign-off-links/": (
        lambda w, s: f"/api/v1/visits/{s.done.id}/sign-off-links/"
    ),
    "api/v1/visits/<int:pk>/service-card/": (
        lambda w, s: f"/api/v1/visits/{s.done.id}/service-card/"
    ),
    "api/v1/visits/<int:pk>/service-card.pdf": (
        lambda w, s: f"/api/v1/visits/{s.done.id}/service-card.pdf"
    ),
    "api/v1/visits/<int:pk>/receipt.pdf": (
        lambda w, s: f"/api/v1/visits/{s.signed.id}/receipt.pdf"
    ),
    "api/v1/calls/<int:pk>/call-back/": (
        lambda w, s: f"/api/v1/calls/{_call(s)}/call-back/"
    ),
    "api/v1/complaints/<int:pk>/respond/": (
        lambda w, s: f"/api/v1/complaints/{_complaint(s)}/respond/"
    ),
    "api/v1/complaints/<int:pk>/resolve/": (
        lambda w, s: f"/api/v1/complaints/{_complaint(s)}/resolve/"
    ),
    "api/v1/conduct-items/<int:pk>/complaint/": (
        lambda w, s: f"/api/v1/conduct-items/{_conduct_item(s)}/complaint/"
    ),
    "api/v1/console/visits/<int:pk>/": (
        lambda w, s: f"/api/v1/console/visits/{s.signed.id}/"
    ),
    "api/v1/scorecard/reviews/<int:year>-<int:month>/pdf/": (
        lambda w, s: "/api/v1/scorecard/reviews/2026-10/pdf/"
    ),
}

# Routes whose answer does not depend on whose object is in the path: run once.
NOT_OWNED = {"api/v1/scorecard/reviews/<int:year>-<int:month>/pdf/"}


# --- Minimal valid bodies (an absent entry sends an empty body) ------------------
BodyFor = Callable[[World, object], dict]
BODIES: dict[tuple[str, str], BodyFor] = {
    ("api/v1/visits/<int:pk>/actions/leave/", "POST"): (
        lambda w, s: {"reason": "fetch_materials", "is_returning": True}
    ),
    ("api/v1/visits/<int:pk>/actions/no-show/", "POST"): (
        lambda w, s: {"reason": "nobody home"}
    ),
    ("api/v1/visits/<int:pk>/actions/cancel/", "POST"): (
        lambda w, s: {"reason": "changed plans"}
    ),
    ("api/v1/visits/<int:pk>/checklist/<int:item_id>/", "PUT"): (
        lambda w, s: {"value": True}
    ),
    ("api/v1/complaints/", "POST"): (
        lambda w, s: {"visit": s.signed.id, "description": "Still dripping."}
    ),
    ("api/v1/complaints/<int:pk>/respond/", "POST"): (
        lambda w, s: {"text": "We will come back."}
    ),
    ("api/v1/complaints/<int:pk>/resolve/", "POST"): (
        lambda w, s: {"text": "Fixed on the second visit."}
    ),
    ("api/v1/conduct-items/<int:pk>/complaint/", "POST"): lambda w, s: {},
}


# --- The table ---------------------------------------------------------------------
# Columns:      tech_a tech_b cust_x cust_y dispatcher admin anonymous
# "a|b" where either answer is right (stated next to the entry).
TABLE: dict[str, dict[str, str]] = {
    # The home page sends staff to the console and technicians to the app.
    "": {
        "GET": "302 302 200 200 302 302 302",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "admin/": {
        "GET": "302 302 302 302 200 200 302",
        "POST": "302 302 302 302 200 200 302",
        "PUT": "302 302 302 302 200 200 302",
        "PATCH": "302 302 302 302 200 200 302",
        "DELETE": "302 302 302 302 200 200 302",
    },
    # i12 (logins): axes locks /admin/login/ after repeated failures.
    "admin/login/": {
        "GET": "200 200 200 200 302 302 200",
        "POST": "200 200 200 200 200 200 200",
        "PUT": "200 200 200 200 200 200 200",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "api/docs/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "api/redoc/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "api/schema/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "api/v1/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "api/v1/auth/session/": {
        "GET": "405 405 405 405 405 405 405",
        "POST": "400 400 400 400 400 400 400",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "204 204 204 204 204 204 204",
    },
    # i12 (logins): axes lockout and token expiry may add 403/429 after failures.
    # Only a token signs out (DELETE, tests/accounts/test_logins.py); a session
    # is not a token's credential: 401 before the method is even looked at.
    "api/v1/auth/token/": {
        "GET": "401 401 401 401 401 401 401",
        "POST": "400 400 400 400 400 400 400",
        "PUT": "401 401 401 401 401 401 401",
        "PATCH": "401 401 401 401 401 401 401",
        "DELETE": "401 401 401 401 401 401 401",
    },
    "api/v1/calls/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/calls/<int:pk>/call-back/": {
        "GET": "403 403 403 403 405 405 401",
        "POST": "403 403 403 403 400 400 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/complaints/": {
        "GET": "200 200 200 200 200 200 401",
        "POST": "403 404 201 404 201 201 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/complaints/<int:pk>/resolve/": {
        "GET": "403 403 403 403 405 405 401",
        "POST": "403 403 403 403 200 200 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/complaints/<int:pk>/respond/": {
        "GET": "403 403 403 403 405 405 401",
        "POST": "403 403 403 403 200 200 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/conduct-items/<int:pk>/complaint/": {
        "GET": "403 403 403 403 405 405 401",
        "POST": "403 403 403 403 200 200 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/console/board/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/console/candidates/": {
        "GET": "403 403 403 403 400 400 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/console/customers/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/console/queues/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/console/visits/<int:pk>/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/customers/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 400 400 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/customers/<int:pk>/": {
        "GET": "404 404 200 404 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 200 200 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/me/": {
        "GET": "200 200 200 200 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/me/visits/": {
        "GET": "200 200 200 200 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/photos/<int:pk>/image/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/photos/<int:pk>/thumbnail/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/reschedule-requests/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/reviews/": {
        "GET": "403 403 403 403 200 200 401",
        "POST": "403 403 403 403 400 400 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/reviews/<int:year>-<int:month>/pdf/": {
        "GET": "403 403 403 403 404 404 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/teams.csv": {
        "GET": "403 403 403 403 400 400 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/teams/": {
        "GET": "403 403 403 403 400 400 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/technicians.csv": {
        "GET": "403 403 403 403 400 400 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/technicians/": {
        "GET": "403 403 403 403 400 400 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/scorecard/trend/": {
        "GET": "403 403 403 403 400 400 401",
        "POST": "403 403 403 403 405 405 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/technicians/": {
        "GET": "200 200 200 200 200 200 401",
        "POST": "403 403 403 403 400 400 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/visits/": {
        "GET": "200 200 200 200 200 200 401",
        "POST": "403 403 403 403 400 400 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/visits/<int:pk>/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/<slug:name>/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "400 404 400 404 400 400 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/arrive/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "409 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/cancel/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "403 404 403 404 200 200 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/close/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "403 404 403 404 200 200 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/finish-work/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "409 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/leave/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "200 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/move/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "400 404 400 404 400 400 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/no-show/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "409 404 403 404 409 409 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/reassign/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "400 404 400 404 400 400 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/reschedule/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "400 404 400 404 400 400 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/return/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "409 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/start-travel/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "200 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/actions/start-work/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "409 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/checklist/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/checklist/<int:item_id>/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "200 404 403 404 403 403 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/checklist/batch/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "400 404 400 404 400 400 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/photos/": {
        "GET": "200 404 200 404 200 200 401",
        # Only the visit's technician may add a photo: everyone else is refused
        # before the body is read (403 for those who may see the visit).
        "POST": "400 404 403 404 403 403 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/receipt.pdf": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/service-card.pdf": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/service-card/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/sign-off-links/": {
        "GET": "405 405 405 405 405 405 401",
        "POST": "201 404 403 404 201 201 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/visits/<int:pk>/sign-off/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "400 404 400 404 400 400 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "api/v1/work-orders/": {
        "GET": "200 200 200 200 200 200 401",
        "POST": "403 403 403 403 400 400 401",
        "PUT": "403 403 403 403 405 405 401",
        "PATCH": "403 403 403 403 405 405 401",
        "DELETE": "403 403 403 403 405 405 401",
    },
    "api/v1/work-orders/<int:pk>/": {
        "GET": "200 404 200 404 200 200 401",
        "POST": "405 405 405 405 405 405 401",
        "PUT": "405 405 405 405 405 405 401",
        "PATCH": "405 405 405 405 405 405 401",
        "DELETE": "405 405 405 405 405 405 401",
    },
    "app/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "app/manifest.webmanifest": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "app/sw.js": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "calls/twilio/<int:call_id>/gather/<slug:step>/<int:attempt>/": {
        "GET": "405 405 405 405 405 405 405",
        "POST": "403 403 403 403 403 403 403",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "calls/twilio/<int:call_id>/status/": {
        "GET": "405 405 405 405 405 405 405",
        "POST": "403 403 403 403 403 403 403",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    # Twilio webhooks answer to a valid X-Twilio-Signature, never to a
    # session: unsigned requests are 403 for everyone, signed in or not.
    "calls/twilio/<int:call_id>/voice/": {
        "GET": "405 405 405 405 405 405 405",
        "POST": "403 403 403 403 403 403 403",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "console/": {
        "GET": "403 403 403 403 200 200 302",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "console/book/": {
        "GET": "403 403 403 403 200 200 302",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "console/queues/": {
        "GET": "403 403 403 403 200 200 302",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "console/scorecard/": {
        "GET": "403 403 403 403 200 200 302",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "console/visits/<int:pk>/": {
        "GET": "403 403 403 403 200 200 302",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "healthz": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "healthz/background": {
        # 200 while a worker and beat beat; this world runs neither.
        "GET": "200|503 200|503 200|503 200|503 200|503 200|503 200|503",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    "i18n/setlang/": {
        "GET": "302 302 302 302 302 302 302",
        "POST": "302 302 302 302 302 302 302",
        "PUT": "302 302 302 302 302 302 302",
        "PATCH": "302 302 302 302 302 302 302",
        "DELETE": "302 302 302 302 302 302 302",
    },
    # i12 (signing links): tokens become opaque; an unused link of a signed
    # visit must stop showing the signed page.
    "sign/<str:token>/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "400 400 400 400 400 400 400",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    # i12 (signing links): bounded like the receipt.
    "sign/<str:token>/photos/<int:photo_id>.jpg": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    # i12 (signing links): the used link's receipt is bounded in time; after
    # the bound these 200s become 404 (or 410).
    "sign/<str:token>/receipt.pdf": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    # i12 (signing links): bounded like the receipt.
    "sign/<str:token>/service-card.pdf": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
    # i12 (verify page): throttled; past the rate a 429.
    "verify/<str:record_sha256>/": {
        "GET": "200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405",
        "PUT": "405 405 405 405 405 405 405",
        "PATCH": "405 405 405 405 405 405 405",
        "DELETE": "405 405 405 405 405 405 405",
    },
}


# --- The machinery ----------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole module, rolled back at its end. The photos'
    files go to a folder of the module's own."""
    from django.conf import settings

    media = tmp_path_factory.mktemp("matrix-media")
    previous = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = media
    with django_db_blocker.unblock(), transaction.atomic():
        # Failed sign-ins other modules' live servers committed would lock this
        # client's address out of the sign-in routes (axes counts per address).
        axes_reset()
        built = build_world()
        built.media = media  # type: ignore[attr-defined]
        built.clients = {role: client_for(built, role) for role in ROLES}  # type: ignore[attr-defined]
        yield built
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = previous


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Replaces the suite's per-test media folder: the world's photos live in
    the module's folder. A test without the world (the table's own checks)
    builds none."""
    if "world" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"
        return settings.MEDIA_ROOT
    world = request.getfixturevalue("world")
    settings.MEDIA_ROOT = world.media
    return world.media


def user_of(world: World, role: str):
    return {
        "tech_a": world.a.technician,
        "tech_b": world.b.technician,
        "cust_x": world.a.customer_user,
        "cust_y": world.b.customer_user,
        "dispatcher": world.dispatcher,
        "admin": world.admin,
        "anonymous": None,
    }[role]


def client_for(world: World, role: str) -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = user_of(world, role)
    if user is not None:
        client.force_login(user)
    return client


class _Undo(Exception):
    pass


def answer(
    client: APIClient,
    method: str,
    path: str,
    body: dict | None,
    look: Callable[[], object] | None = None,
):
    """The response to one request, everything it wrote undone (its cookies
    too: signing out must not sign the next case out). `look` runs before the
    undo; its result is `response.after`."""
    cache.delete("throttle_login_127.0.0.1")
    cookies = copy.deepcopy(client.cookies)
    response = None
    try:
        with transaction.atomic():
            response = getattr(client, method.lower())(path, body or {}, format="json")
            if look is not None:
                response.after = look()  # type: ignore[attr-defined]
            raise _Undo
    except _Undo:
        pass
    client.cookies = cookies
    return response


def expected_rows(route: str) -> dict[str, dict[str, str]]:
    """The table's entry as {role: {method: status}}."""
    rows = TABLE[route]
    out: dict[str, dict[str, str]] = {role: {} for role in ROLES}
    for method, row in rows.items():
        statuses = row.split()
        assert len(statuses) == len(ROLES), (route, method, row)
        for role, status in zip(ROLES, statuses, strict=True):
            out[role][method] = status  # type: ignore[assignment]
    return out


def path_for(world: World, route: str, side) -> str:
    if route in PATHS:
        return PATHS[route](world, side)
    assert "<" not in route, f"{route} needs an entry in PATHS"
    return "/" + route


def sides(route: str) -> list[str]:
    return ["a", "b"] if "<" in route and route not in NOT_OWNED else ["a"]


def test_every_route_has_exactly_one_entry_in_the_table():
    routes = set(resolver_routes())

    assert sorted(routes - set(TABLE)) == [], "routes without a decided access rule"
    assert sorted(set(TABLE) - routes) == [], "entries for routes that do not exist"
    assert sorted(set(PATHS) - routes) == []


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(resolver_routes()))
def test_every_role_gets_the_written_status_for_every_method(world, route):
    probing = bool(os.environ.get("MATRIX_PROBE"))
    assert probing or route in TABLE, f"{route} has no entry in TABLE"
    expected = {role: {} for role in ROLES} if probing else expected_rows(route)
    clients = world.clients
    wrong = []
    actual: dict[str, dict[str, dict[str, int]]] = {}
    for side_name in sides(route):
        side = getattr(world, side_name)
        path = path_for(world, route, side)
        for role in ROLES:
            # Side B's object: A's column is now "someone else's", and B's "own".
            column = MIRROR.get(role, role) if side_name == "b" else role
            for method in METHODS:
                body_for = BODIES.get((route, method))
                body = body_for(world, side) if body_for else None
                status = answer(clients[role], method, path, body).status_code
                actual.setdefault(side_name, {}).setdefault(method, {})[column] = status
                want = expected[column].get(method, "")
                if str(status) not in want.split("|"):
                    wrong.append(
                        f"{side_name} {role:10} {method:6} {path}: {status} != {want}"
                    )
    if os.environ.get("MATRIX_PROBE"):
        with open(os.environ["MATRIX_PROBE"], "a") as probe:
            probe.write(json.dumps({"route": route, "actual": actual}) + "\n")
        return
    assert wrong == []


# --- Lists never contain foreign ids ----------------------------------------------
# list route → the kind of id its rows carry. Staff-only lists are here too: for
# them the check is that the staff see both sides and nobody else gets a row.
LISTS: dict[str, str] = {
    "/api/v1/visits/": "visit",
    "/api/v1/me/visits/": "visit",
    "/api/v1/work-orders/": "work_order",
    "/api/v1/technicians/": "technician",
    "/api/v1/customers/": "customer",
    "/api/v1/calls/": "call",
    "/api/v1/reschedule-requests/": "reschedule_request",
    "/api/v1/complaints/": "complaint",
    # The booking search: "matrix-customer" is in both customers' user names,
    # not necessarily in their names; the phone prefix "139" is in both phones.
    "/api/v1/console/customers/?q=139": "customer",
}
# Lists of one's own work: the staff do not see everyone's there.
PERSONAL_LISTS = {"/api/v1/me/visits/"}
# For each role, the side whose objects it may see (None: both, for staff).
OWN_SIDE = {"tech_a": "a", "cust_x": "a", "tech_b": "b", "cust_y": "b"}
# What may never appear anywhere in another side's answer, whatever the field.
PERSONAL = ("phone", "address", "number")


def rows_of(body) -> list[dict]:
    return body["results"] if isinstance(body, dict) else body


def personal_strings(side) -> set[str]:
    customer = side.customer_user.customer
    numbers = {visit.work_order.number for visit in (side.scheduled, side.signed)}
    return {customer.phone, customer.address, *numbers}


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(LISTS))
def test_lists_never_carry_another_sides_ids_or_personal_data(world, path):
    kind = LISTS[path]
    seen: dict[str, set[int]] = {}
    for role in ROLES:
        response = answer(world.clients[role], "GET", path, None)
        if response.status_code != 200:
            assert response.status_code in (401, 403), (role, response.status_code)
            continue
        ids = {row["id"] for row in rows_of(response.json())}
        seen[role] = ids
        own = OWN_SIDE.get(role)
        if own is None:
            continue
        other = world.b if own == "a" else world.a
        text = response.content.decode()
        assert not ids & other.ids[kind], (role, path)
        leaked = [value for value in personal_strings(other) if value in text]
        assert leaked == [], (role, path)
    for staff in ("dispatcher", "admin"):
        if staff in seen and path not in PERSONAL_LISTS:
            assert world.a.ids[kind] | world.b.ids[kind] <= seen[staff], staff


@pytest.mark.django_db
def test_the_lists_are_not_trivially_empty_for_their_owners(world):
    """The foreign-id checks above mean something: each side sees its own."""
    for role, kind, path in [
        ("tech_a", "visit", "/api/v1/visits/"),
        ("cust_x", "visit", "/api/v1/visits/"),
        ("tech_b", "work_order", "/api/v1/work-orders/"),
        ("cust_y", "work_order", "/api/v1/work-orders/"),
        ("tech_a", "complaint", "/api/v1/complaints/"),
        ("cust_y", "complaint", "/api/v1/complaints/"),
        ("tech_b", "technician", "/api/v1/technicians/"),
    ]:
        side = getattr(world, OWN_SIDE[role])
        rows = rows_of(answer(world.clients[role], "GET", path, None).json())
        assert {row["id"] for row in rows} == side.ids[kind], (role, path)


# --- Fields a role may not set are ignored or refused -----------------------------
VISIT_FIELDS = (
    "id",
    "work_order_id",
    "technician_id",
    "state",
    "appointed_start",
    "expected_duration_minutes",
    "punctuality",
    "arrived_at",
    "en_route_at",
    "late_reason",
    "work_started_at",
    "closed_at",
)
FORGED = {
    "state": "closed",
    "appointed_start": "2031-01-01T09:00:00+08:00",
    "punctuality": "on_time",
    "arrived_at": "2031-01-01T09:00:00+08:00",
    "expected_duration_minutes": 600,
}


def visit_rows() -> dict[int, dict]:
    from visits.models import Visit

    return {row["id"]: row for row in Visit.objects.values(*VISIT_FIELDS)}


def forged(world: World) -> dict:
    other = world.b
    return {
        **FORGED,
        "technician": other.technician.id,
        "work_order": other.signed.work_order_id,
        "customer": other.customer_user.customer.id,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["PUT", "PATCH", "POST"])
def test_a_technician_cannot_rewrite_their_visit_through_its_detail(world, method):
    visit = world.a.scheduled
    before = visit_rows()

    response = answer(
        world.clients["tech_a"],
        method,
        f"/api/v1/visits/{visit.id}/",
        forged(world),
        look=visit_rows,
    )

    assert response.status_code == 405
    assert response.after == before


@pytest.mark.django_db
def test_a_step_with_forged_fields_moves_the_state_and_nothing_else(world):
    visit = world.a.scheduled
    before = visit_rows()

    response = answer(
        world.clients["tech_a"],
        "POST",
        f"/api/v1/visits/{visit.id}/actions/start-travel/",
        forged(world),
        look=visit_rows,
    )

    # Refused outright (400) or taken with the extra fields ignored (200).
    assert response.status_code in (200, 400), response.json()
    after = response.after
    expected = {key: dict(row) for key, row in before.items()}
    if response.status_code == 200:
        expected[visit.id]["state"] = "en_route"
        expected[visit.id]["en_route_at"] = after[visit.id]["en_route_at"]
        assert after[visit.id]["en_route_at"] is not None
    assert after == expected


@pytest.mark.django_db
def test_a_dispatcher_cannot_set_a_visits_state_directly(world):
    visit = world.a.scheduled
    before = visit_rows()

    detail = answer(
        world.clients["dispatcher"],
        "PATCH",
        f"/api/v1/visits/{visit.id}/",
        {"state": "closed"},
        look=visit_rows,
    )
    cancel = answer(
        world.clients["dispatcher"],
        "POST",
        f"/api/v1/visits/{visit.id}/actions/cancel/",
        {"reason": "customer away", **forged(world)},
        look=visit_rows,
    )

    assert detail.status_code == 405
    assert detail.after == before
    assert cancel.status_code in (200, 400), cancel.json()
    expected = {key: dict(row) for key, row in before.items()}
    if cancel.status_code == 200:
        expected[visit.id]["state"] = "cancelled"
        expected[visit.id]["closed_at"] = cancel.after[visit.id]["closed_at"]
    assert cancel.after == expected


def complaint_rows() -> list[dict]:
    from visits.models import Complaint

    return list(
        Complaint.objects.order_by("id").values(
            "id", "visit_id", "state", "source", "escalation_level", "description"
        )
    )


@pytest.mark.django_db
def test_a_customer_files_a_complaint_only_on_their_own_visit(world):
    before = complaint_rows()

    theirs = answer(
        world.clients["cust_x"],
        "POST",
        "/api/v1/complaints/",
        {"visit": world.b.signed.id, "description": "Not mine."},
        look=complaint_rows,
    )
    forged_fields = answer(
        world.clients["cust_x"],
        "POST",
        "/api/v1/complaints/",
        {
            "visit": world.a.signed.id,
            "description": "Mine.",
            "customer": world.b.customer_user.customer.id,
            "state": "resolved",
            "source": "dispatcher",
            "escalation_level": 3,
        },
        look=complaint_rows,
    )

    assert theirs.status_code == 404
    assert theirs.after == before
    assert forged_fields.status_code in (201, 400), forged_fields.json()
    if forged_fields.status_code == 201:
        new = [row for row in forged_fields.after if row not in before]
        assert len(new) == 1
        assert {key: new[0][key] for key in new[0] if key != "id"} == {
            "visit_id": world.a.signed.id,
            "state": "open",
            "source": "customer",
            "escalation_level": 0,
            "description": "Mine.",
        }
    else:
        assert forged_fields.after == before


def customer_rows() -> list[dict]:
    from accounts.models import Customer

    return list(Customer.objects.order_by("id").values())


@pytest.mark.django_db
def test_a_customer_cannot_edit_a_customer_not_even_themselves(world):
    before = customer_rows()
    own = world.a.customer_user.customer
    other = world.b.customer_user.customer

    responses = [
        answer(
            world.clients["cust_x"],
            "PATCH",
            f"/api/v1/customers/{customer.id}/",
            {"name": "Forged", "phone": "13912345678", "user": other.user_id},
            look=customer_rows,
        )
        for customer in (own, other)
    ]

    assert [response.status_code for response in responses] == [403, 403]
    assert all(response.after == before for response in responses)


@pytest.mark.django_db
def test_a_checklist_answer_cannot_be_pointed_at_another_visit(world):
    from visits.models import VisitChecklistItem

    def answers():
        return list(
            VisitChecklistItem.objects.filter(
                visit__in=[world.b.working, world.b.scheduled]
            )
            .order_by("id")
            .values()
        )

    before = answers()
    item = world.a.working.checklist.filter(kind="confirm").first()

    response = answer(
        world.clients["tech_a"],
        "PUT",
        f"/api/v1/visits/{world.a.working.id}/checklist/{item.id}/",
        {"value": True, "visit": world.b.working.id, "visit_id": world.b.working.id},
        look=answers,
    )

    assert response.status_code in (200, 400), response.json()
    assert response.after == before
