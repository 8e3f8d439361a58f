"""docs/rules.md#evidence-after-arrival over the API: on-site answers and photos
wait for the technician's arrival and cannot have been captured before it;
the carry list is answered before leaving. A refusal writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fieldservice.idempotency.models import IdempotencyRecord
from tests.visits.checklists.checklist_helpers import book, item, jpeg, upload
from visits.lifecycle import services
from visits.models import ChecklistAnswer, Photo

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def put(api, visit, entry, body, **headers):
    return api.put(
        f"/api/v1/visits/{visit.id}/checklist/{entry.id}/",
        body,
        format="json",
        **headers,
    )


def post_photo(api, visit, language="en", **data):
    return api.post(
        f"/api/v1/visits/{visit.id}/photos/",
        data,
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def arrive(visit):
    """On the way, then arrived at the appointed time; returns the arrival."""
    arrived_at = visit.appointed_start
    services.visit_start_travel(
        visit=visit, by=visit.technician, at=arrived_at - timedelta(minutes=20)
    )
    services.visit_arrive(visit=visit, by=visit.technician, at=arrived_at)
    return arrived_at


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


def test_a_work_cloth_photo_for_a_visit_five_days_away_is_refused_and_stores_nothing(
    api, technician, media_root
):
    visit = book(technician, minutes_ahead=5 * 24 * 60)

    response = post_photo(
        api.as_user(technician),
        visit,
        file=upload(data=jpeg()),
        item=item(visit, "tools_on_work_cloth").id,
        language="en",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_arrived"
    assert response.json()["detail"] == (
        "You have not arrived yet: answers and photos for the stage “In the home” "
        "are taken on site. At the moment it is scheduled and nobody has set off yet."
    )
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_photo_of_the_visit_itself_before_arrival_is_refused_in_chinese(
    api, technician, media_root
):
    visit = book(technician)

    response = post_photo(
        api.as_user(technician),
        visit,
        file=upload(data=jpeg()),
        language="zh-hans",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_arrived"
    assert response.json()["detail"] == (
        "您尚未到达：上门的照片须在现场拍摄。目前该上门已预约，尚未出发。"  # noqa: RUF001
    )
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("show_work_id", True),
        ("rooms_accompanied", True),
        ("work_summary", "换了光猫"),
        ("items_put_back", True),
        ("thanked_customer", True),
    ],
)
def test_on_site_answers_on_the_way_are_refused_and_store_nothing(
    api, technician, code, value
):
    visit = book(technician)
    services.visit_start_travel(visit=visit, by=technician)

    response = put(
        api.as_user(technician),
        visit,
        item(visit, code),
        {"value": value},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        HTTP_IDEMPOTENCY_KEY=f"early-{code}",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_arrived"
    assert response.json()["detail"].startswith("您尚未到达：")  # noqa: RUF001
    assert not ChecklistAnswer.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_the_carry_list_is_answered_before_departure(api, technician):
    visit = book(technician, minutes_ahead=5 * 24 * 60)

    response = put(
        api.as_user(technician), visit, item(visit, "carry_tools"), {"value": True}
    )

    assert response.status_code == 200
    assert ChecklistAnswer.objects.get(item__code="carry_tools").value is True


def test_an_answer_captured_exactly_at_arrival_is_accepted(api, technician):
    visit = book(technician)
    arrived_at = arrive(visit)

    response = put(
        api.as_user(technician),
        visit,
        item(visit, "rooms_accompanied"),
        {"value": True, "captured_at": arrived_at.isoformat()},
    )

    assert response.status_code == 200
    assert ChecklistAnswer.objects.get().captured_at == arrived_at


def test_an_answer_captured_one_second_before_arrival_is_refused(api, technician):
    visit = book(technician)
    arrived_at = arrive(visit)
    local = timezone.localtime(arrived_at)

    response = put(
        api.as_user(technician),
        visit,
        item(visit, "rooms_accompanied"),
        {"value": True, "captured_at": (arrived_at - SECOND).isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "captured_before_arrival"
    assert response.json()["detail"] == (
        f"Captured at {(local - SECOND):%Y-%m-%d %H:%M:%S}, before the arrival at "
        f"{local:%Y-%m-%d %H:%M:%S}: it cannot be evidence for the stage “In the home”."
    )
    assert not ChecklistAnswer.objects.exists()


def test_a_photo_captured_one_second_before_arrival_is_refused_and_stores_nothing(
    api, technician, media_root
):
    visit = book(technician)
    arrived_at = arrive(visit)
    entry = item(visit, "site_clean")
    api.as_user(technician)

    early = post_photo(
        api,
        visit,
        file=upload(data=jpeg()),
        item=entry.id,
        captured_at=(arrived_at - SECOND).isoformat(),
        language="zh-hans",
    )

    assert early.status_code == 400
    assert early.json()["code"] == "captured_before_arrival"
    assert "不能作为" in early.json()["detail"]
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []

    on_time = post_photo(
        api,
        visit,
        file=upload(data=jpeg()),
        item=entry.id,
        captured_at=arrived_at.isoformat(),
    )

    assert on_time.status_code == 201
    assert Photo.objects.get().captured_at == arrived_at


def test_an_offline_queue_is_judged_entry_by_entry_by_its_capture_time(api, technician):
    visit = book(technician)
    arrived_at = arrive(visit)
    carry, rooms = item(visit, "carry_tools"), item(visit, "rooms_accompanied")

    response = api.as_user(technician).post(
        f"/api/v1/visits/{visit.id}/checklist/batch/",
        {
            "answers": [
                {
                    "item": carry.id,
                    "value": True,
                    "captured_at": (arrived_at - timedelta(hours=1)).isoformat(),
                },
                {
                    "item": rooms.id,
                    "value": True,
                    "captured_at": (arrived_at - SECOND).isoformat(),
                },
            ]
        },
        format="json",
    )

    results = response.json()["results"]
    assert [result["status"] for result in results] == [200, 400]
    assert results[1]["body"]["code"] == "captured_before_arrival"
    assert list(ChecklistAnswer.objects.values_list("item__code", flat=True)) == [
        "carry_tools"
    ]


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "Captured at {at}, which is still to come: set the phone's clock"),
        ("zh-hans", "采集时间 {at} 尚未到来"),
    ],
)
def test_evidence_captured_after_it_was_sent_is_refused_and_stores_nothing(
    api, technician, media_root, settings, language, detail
):
    """A phone whose clock runs an hour fast: its capture time is beyond the
    allowance (EVIDENCE_CLOCK_SKEW_SECONDS) and cannot be true, on any stage."""
    settings.EVIDENCE_CLOCK_SKEW_SECONDS = 300
    visit = book(technician)
    later = timezone.now() + timedelta(hours=1)
    local = f"{timezone.localtime(later):%Y-%m-%d %H:%M:%S}"

    answer = put(
        api.as_user(technician),
        visit,
        item(visit, "carry_tools"),
        {"value": True, "captured_at": later.isoformat()},
        HTTP_ACCEPT_LANGUAGE=language,
        HTTP_IDEMPOTENCY_KEY="fast-clock-1",
    )
    photo = post_photo(
        api,
        visit,
        language=language,
        file=upload(data=jpeg()),
        captured_at=later.isoformat(),
    )

    for response in (answer, photo):
        assert response.status_code == 400
        assert response.json()["code"] == "captured_in_future"
        assert response.json()["detail"].startswith(detail.format(at=local))
    assert not ChecklistAnswer.objects.exists()
    assert not Photo.objects.exists()
    assert not IdempotencyRecord.objects.exists()
    assert stored_files(media_root) == []
