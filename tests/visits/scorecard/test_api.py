import csv
import io

import pytest

from tests.factories import TechnicianFactory, TechnicianProfileFactory
from tests.visits.scorecard.data import FROM, TO, known_data
from visits.scorecard.models import ServiceReview

pytestmark = pytest.mark.django_db

TECHNICIANS = f"/api/v1/scorecard/technicians/?from={FROM}&to={TO}"


def test_technicians_figures_and_overall(desk):
    known_data()

    response = desk.get(TECHNICIANS)

    assert response.status_code == 200
    body = response.json()
    assert [row["name"] for row in body["technicians"]] == [
        "张伟",
        "Emily Carter",
        "王强",
    ]
    first = body["technicians"][0]
    assert first["visits"] == 4
    assert first["on_time_rate"] == pytest.approx(1 / 3)
    assert first["mean_lateness_minutes"] == 22.5
    assert first["first_response_compliance"] == 0.5
    assert body["technicians"][2]["on_time_rate"] is None
    assert body["overall"]["visits"] == 5
    assert body["overall"]["on_time_rate"] == 0.25


def test_team_filter_and_teams_endpoint(desk):
    known = known_data()

    technicians = desk.get(f"{TECHNICIANS}&team={known.east.pk}").json()["technicians"]
    teams = desk.get(f"/api/v1/scorecard/teams/?from={FROM}&to={TO}").json()["teams"]

    assert [row["name"] for row in technicians] == ["张伟"]
    assert {row["name"]: row["visits"] for row in teams} == {
        "江汉一组": 4,
        "汉阳二组": 1,
        "南区": 0,
    }


def test_trend_per_week_for_one_technician(desk):
    known = known_data()

    response = desk.get(
        f"/api/v1/scorecard/trend/?from={FROM}&to={TO}&by=week&technician={known.a.pk}"
    )

    assert response.status_code == 200
    weeks = response.json()["weeks"]
    assert [week["week"] for week in weeks][:2] == ["2026-10-26", "2026-11-02"]
    assert [week["visits"] for week in weeks] == [0, 3, 0, 0, 0, 1]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-11-01&to=2026-11-01", "period_empty"),
        ("from=2026-12-01&to=2026-11-01", "period_empty"),
        ("from=2025-01-01&to=2026-01-03", "period_too_long"),
        ("from=yesterday&to=2026-11-01", "invalid"),
        ("from=2026-11-01", "invalid"),
        ("from=2026-11-01&to=2026-12-01&team=x", "invalid"),
    ],
)
def test_bad_periods_are_400_with_a_code(desk, query, code):
    for path in ("technicians/", "technicians.csv", "teams/", "trend/"):
        response = desk.get(f"/api/v1/scorecard/{path}?{query}")
        assert response.status_code == 400, path
        assert response.json()["code"] == code, path


def test_trend_only_goes_by_week(desk):
    response = desk.get(f"/api/v1/scorecard/trend/?from={FROM}&to={TO}&by=day")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_step"


def test_technicians_and_customers_may_not_read_the_scorecard(client, api):
    technician = TechnicianFactory()
    api.as_user(technician)
    assert api.get(TECHNICIANS).status_code == 403
    assert api.get("/api/v1/scorecard/reviews/").status_code == 403
    assert client.get(TECHNICIANS).status_code in (401, 403)


def test_csv_has_a_bom_and_a_translated_header(desk):
    known_data()

    english = desk.get(f"/api/v1/scorecard/technicians.csv?from={FROM}&to={TO}")
    chinese = desk.get(
        f"/api/v1/scorecard/technicians.csv?from={FROM}&to={TO}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert english.status_code == 200
    assert english["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in english["Content-Disposition"]
    raw = english.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Technician",
        "Employee number",
        "Team",
        "Visits",
        "On-time arrivals (%)",
    ]
    assert rows[1][:5] == ["张伟", "S-001", "江汉一组", "4", "33.3"]
    assert rows[1][6] == "22.5"  # mean lateness
    assert rows[3][4] == ""  # nobody judged: an empty cell, not 0
    chinese_header = chinese.content.decode("utf-8-sig").splitlines()[0]
    assert chinese_header.startswith(
        "装维人员,工号,班组,上门服务,准时到达率（%）"  # noqa: RUF001
    )


def test_teams_csv(desk):
    known_data()

    response = desk.get(f"/api/v1/scorecard/teams.csv?from={FROM}&to={TO}")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Team", "Visits"]
    assert {row[0]: row[1] for row in rows[1:]} == {
        "江汉一组": "4",
        "汉阳二组": "1",
        "南区": "0",
    }


def _technicians(count):
    for _ in range(count):
        TechnicianProfileFactory()


@pytest.mark.parametrize("path", ["technicians/", "teams/", "technicians.csv"])
def test_query_count_does_not_grow_with_technicians(
    desk, django_assert_num_queries, path
):
    url = f"/api/v1/scorecard/{path}?from={FROM}&to={TO}"
    known_data()
    desk.get(url)  # session and language settle
    _technicians(2)
    with django_assert_num_queries(0) as few:
        pass
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert desk.get(url).status_code == 200
    _technicians(20)
    with CaptureQueriesContext(connection) as large:
        assert desk.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    del few


def test_requesting_a_review_answers_202_and_the_task_makes_it(
    desk, django_capture_on_commit_callbacks
):
    from visits.scorecard import tasks

    known_data()
    with django_capture_on_commit_callbacks() as callbacks:
        response = desk.post(
            "/api/v1/scorecard/reviews/",
            {"month": "2026-11"},
            content_type="application/json",
        )
    assert response.status_code == 202
    assert response.json()["state"] == "pending"
    assert response.json()["download"] is None
    assert len(callbacks) == 1  # the task is enqueued when the request commits
    pending = desk.get("/api/v1/scorecard/reviews/2026-11/pdf/")
    assert pending.status_code == 409
    assert pending.json()["code"] == "review_pending"

    tasks.service_review_generate_task("2026-11-01")

    listed = desk.get("/api/v1/scorecard/reviews/").json()
    assert listed == [
        {
            "month": "2026-11",
            "state": "ready",
            "requested_at": listed[0]["requested_at"],
            "generated_at": listed[0]["generated_at"],
            "download": "/api/v1/scorecard/reviews/2026-11/pdf/",
        }
    ]
    pdf = desk.get(listed[0]["download"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("month", "code"),
    [
        ("2026-13", "invalid"),
        ("November", "invalid"),
        ("1999-12", "invalid"),
        ("2099-01", "review_month_in_future"),
    ],
)
def test_bad_review_months_are_refused_and_nothing_is_stored(
    desk, django_capture_on_commit_callbacks, month, code
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = desk.post(
            "/api/v1/scorecard/reviews/",
            {"month": month},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert ServiceReview.objects.count() == 0
    assert callbacks == []


def test_unknown_review_is_404(desk):
    assert desk.get("/api/v1/scorecard/reviews/2026-01/pdf/").status_code == 404


@pytest.mark.parametrize(
    "month", ["0-1", "2026-0", "2026-13", "10000-01", "99999999999999999999-1"]
)
def test_a_month_that_cannot_exist_is_a_404_in_the_error_shape(desk, month):
    response = desk.get(
        f"/api/v1/scorecard/reviews/{month}/pdf/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
