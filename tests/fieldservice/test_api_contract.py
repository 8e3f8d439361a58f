"""The API as a phone app sees it: refusals in the asked language, step names
that are routes, and the root that lists the entry points."""

import re

import pytest
from django.urls import Resolver404, resolve

from tests.factories import VisitFactory
from visits.lifecycle.rules import TRANSITIONS, VisitState

pytestmark = pytest.mark.django_db

HANZI = re.compile(r"[\u4e00-\u9fff]")


def _is_chinese(detail: str) -> bool:
    return bool(HANZI.search(detail))


def test_every_kind_of_refusal_answers_in_chinese_when_asked(
    api, technician, other_technician
):
    visit = VisitFactory(technician=technician)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    me = api.as_user(technician)

    permission = me.post("/api/v1/work-orders/", {}, format="json", **zh)
    dispatchers_list = me.get("/api/v1/calls/", **zh)
    dispatchers_step = me.post(
        f"/api/v1/visits/{visit.id}/actions/cancel/", {"reason": "x"}, **zh
    )
    lifecycle = me.post(f"/api/v1/visits/{visit.id}/actions/arrive/", **zh)
    validation = me.post(
        f"/api/v1/visits/{visit.id}/actions/leave/", {}, format="json", **zh
    )
    not_found = api.as_user(other_technician).get(f"/api/v1/visits/{visit.id}/", **zh)
    api.credentials()
    unauthenticated = api.get("/api/v1/visits/", **zh)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    bad_token = api.get("/api/v1/visits/", **zh)

    assert permission.status_code == 403
    assert permission.json()["detail"] == "只有调度员可以执行此操作。"
    assert dispatchers_list.json()["detail"] == "只有调度员可以执行此操作。"
    assert dispatchers_step.json()["detail"] == "只有调度员可以执行此操作。"
    assert lifecycle.status_code == 409
    assert _is_chinese(lifecycle.json()["detail"]), lifecycle.json()
    assert validation.status_code == 400
    assert _is_chinese(str(validation.json())), validation.json()
    assert not_found.status_code == 404
    assert _is_chinese(not_found.json()["detail"]), not_found.json()
    assert unauthenticated.status_code == 401
    assert _is_chinese(unauthenticated.json()["detail"]), unauthenticated.json()
    assert bad_token.status_code == 401
    assert _is_chinese(bad_token.json()["detail"]), bad_token.json()


@pytest.mark.parametrize("state", list(VisitState))
def test_every_step_a_visit_offers_is_a_route_that_takes_it(
    state, api, technician, dispatcher
):
    visit = VisitFactory(technician=technician, state=state)

    offered = {}
    for user in (technician, dispatcher):
        body = api.as_user(user).get(f"/api/v1/visits/{visit.id}/").json()
        offered.update(body["action_urls"])
        assert sorted(body["action_urls"]) == sorted(body["allowed_transitions"])

    for step, url in offered.items():
        assert "_" not in step
        try:
            match = resolve(url)
        except Resolver404:  # pragma: no cover - the failure is the message
            pytest.fail(f"{step} in state {state} names no route: {url}")
        assert match.url_name == f"visit-{step}"
        assert match.kwargs == {"pk": visit.id}
    expected = {
        step.replace("_", "-")
        for step, (sources, _to, _actor) in TRANSITIONS.items()
        if state in sources
    }
    assert set(offered) == expected


def test_a_visit_ready_for_sign_off_points_to_the_sign_off_endpoint(api, technician):
    visit = VisitFactory(technician=technician, state=VisitState.WORK_DONE)

    body = api.as_user(technician).get(f"/api/v1/visits/{visit.id}/").json()

    assert body["allowed_transitions"] == ["sign-off"]
    assert body["action_urls"] == {"sign-off": f"/api/v1/visits/{visit.id}/sign-off/"}


def test_the_root_lists_the_entry_points_for_the_callers_role(
    api, technician, dispatcher
):
    anonymous = api.get("/api/v1/").json()
    as_technician = api.as_user(technician).get("/api/v1/").json()
    as_dispatcher = api.as_user(dispatcher).get("/api/v1/").json()

    base = "http://testserver/api/v1/"
    assert anonymous["entry_points"] == {
        "auth-token": f"{base}auth/token/",
        "auth-session": f"{base}auth/session/",
    }
    assert as_technician["entry_points"] == {
        "auth-token": f"{base}auth/token/",
        "auth-session": f"{base}auth/session/",
        "me": f"{base}me/",
        "my-visits": f"{base}me/visits/",
        "visit-list": f"{base}visits/",
    }
    assert set(as_dispatcher["entry_points"]) == {
        "auth-token",
        "auth-session",
        "me",
        "my-visits",
        "visit-list",
        "work-order-list",
        "technician-list",
        "customer-list",
        "call-list",
        "reschedule-request-list",
        "complaint-list",
    }
    assert as_dispatcher["schema"] == "http://testserver/api/schema/"
    for url in as_dispatcher["entry_points"].values():
        assert resolve(url.removeprefix("http://testserver"))


@pytest.mark.parametrize(
    ("step", "body_of", "opening"),
    [
        (
            "reschedule",
            lambda other: {
                "appointed_start": "2030-01-02T09:00:00+08:00",
                "reason": "x",
            },
            "Only a scheduled visit can be rescheduled:",
        ),
        (
            "reassign",
            lambda other: {"technician": other.id, "reason": "x"},
            "Only a scheduled visit can be reassigned:",
        ),
    ],
)
def test_moving_a_visit_that_has_begun_is_a_409_in_plain_english(
    step, body_of, opening, api, dispatcher, technician, other_technician
):
    visit = VisitFactory(technician=technician, state=VisitState.WORK_DONE)

    response = api.as_user(dispatcher).post(
        f"/api/v1/visits/{visit.id}/actions/{step}/",
        body_of(other_technician),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"{opening} the work is done and awaits the customer's sign-off."
    )
    visit.refresh_from_db()
    assert visit.technician == technician
    assert visit.events.count() == 0
