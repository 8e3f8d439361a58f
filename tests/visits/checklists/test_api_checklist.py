"""The conduct checklist over the API: snapshot, answers, ETags, idempotent
and batched writes, photos and the completion guard."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fieldservice.idempotency.models import IdempotencyRecord
from tests.factories import TechnicianFactory, VisitFactory
from tests.signing import sign
from tests.visits.checklists.checklist_helpers import (
    answer_everything,
    book,
    item,
    jpeg,
    upload,
)
from visits.checklists import services as checklist_services
from visits.models import ChecklistAnswer, ChecklistTemplate, Photo

pytestmark = pytest.mark.django_db


def checklist_of(api, visit):
    return api.get(f"/api/v1/visits/{visit.id}/checklist/").json()


def put(api, visit, entry, body, **headers):
    return api.put(
        f"/api/v1/visits/{visit.id}/checklist/{entry.id}/",
        body,
        format="json",
        **headers,
    )


def start(api, visit):
    for step in ("start-travel", "arrive", "start-work"):
        response = api.post(f"/api/v1/visits/{visit.id}/actions/{step}/")
        assert response.status_code == 200, response.json()


# --- Snapshot ----------------------------------------------------------------


def test_shoe_covers_are_required_in_a_city_home_and_optional_in_a_rural_one(
    technician,
):
    city = book(technician, area_tier="urban")
    village = book(technician, area_tier="rural", minutes_ahead=180)

    assert item(city, "shoe_covers").is_required is True
    assert item(village, "shoe_covers").is_required is False
    assert item(village, "tools_on_work_cloth").is_required is True


def test_installations_and_repairs_get_their_own_checklists(technician):
    installation = book(technician, kind="installation")
    repair = book(technician, kind="repair", minutes_ahead=180)

    install_codes = set(installation.checklist.values_list("code", flat=True))
    repair_codes = set(repair.checklist.values_list("code", flat=True))
    assert "optical_power_dbm" in install_codes - repair_codes
    assert "fault_cause" in repair_codes - install_codes
    assert installation.checklist.count() == 20
    assert installation.checklist_template.visit_kind == "installation"


def test_changing_the_template_never_changes_a_visit_already_booked(technician):
    visit = book(technician)
    template = visit.checklist_template
    template.items.filter(code="shoe_covers").update(
        text_en="changed", is_required=False
    )
    draft = checklist_services.template_new_draft(template=template)
    draft.items.filter(code="thanked_customer").delete()
    checklist_services.template_publish(template=draft)

    later = book(technician, minutes_ahead=180)

    assert item(visit, "shoe_covers").text_en.startswith("Clean shoe covers")
    assert item(visit, "shoe_covers").is_required is True
    assert visit.checklist.filter(code="thanked_customer").exists()
    assert later.checklist_template == draft
    assert not later.checklist.filter(code="thanked_customer").exists()


def test_a_draft_template_is_not_used_for_booking(technician):
    template = ChecklistTemplate.objects.filter(visit_kind="repair").latest("version")
    checklist_services.template_new_draft(template=template)

    visit = book(technician)

    assert visit.checklist_template == template


# --- Reading -----------------------------------------------------------------


def test_the_checklist_lists_items_in_order_with_what_is_missing(api, technician):
    visit = book(technician)

    body = checklist_of(api.as_user(technician), visit)

    assert body["template"] == "修障上门服务规范 / Repair visit conduct v2"
    assert [entry["position"] for entry in body["items"]] == sorted(
        entry["position"] for entry in body["items"]
    )
    first = body["items"][0]
    assert first["code"] == "carry_tools"
    assert first["answer"] is None
    assert first["etag"] == f'"{first["id"]}.0"'
    required = [entry["id"] for entry in body["items"] if entry["is_required"]]
    assert [entry["item"] for entry in body["missing"]] == required


def test_item_texts_follow_the_language_asked_for(api, technician):
    visit = book(technician)
    api.as_user(technician)

    chinese = api.get(
        f"/api/v1/visits/{visit.id}/checklist/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    english = api.get(
        f"/api/v1/visits/{visit.id}/checklist/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert chinese.json()["items"][0]["text"] == "携带所需工具"
    assert english.json()["items"][0]["text"] == "Carrying the tools the job needs"


def test_todays_visits_show_checklist_progress(api, technician):
    visit = book(technician)
    api.as_user(technician)
    put(api, visit, item(visit, "carry_tools"), {"value": True})

    response = api.get("/api/v1/me/visits/")

    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == visit.id
    assert row["checklist_progress"] == {"items": 21, "required": 19, "missing": 18}


def test_todays_visits_with_a_malformed_date_is_a_400(api, technician):
    response = api.as_user(technician).get("/api/v1/me/visits/?date=2026-02-30")

    assert response.status_code == 400
    assert "date" in response.json()["fields"]


@pytest.mark.parametrize("count", [1, 8, 50])
def test_todays_visits_take_the_same_queries_for_any_number_of_visits(
    api, django_assert_num_queries, count
):
    technician = TechnicianFactory()
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    for index in range(
        count
    ):  # more than one technician could do in a day: no booking rules
        visit = VisitFactory(
            technician=technician, appointed_start=noon + timedelta(minutes=index)
        )
        checklist_services.checklist_snapshot_take(visit=visit)
    api.as_user(technician)

    # token + visits + their checklist items (answers joined, photos counted)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/me/visits/")

    assert len(response.json()) == count


def test_one_checklist_takes_the_same_queries_however_many_answers_and_photos(
    api, technician, django_assert_num_queries
):
    visit = book(technician)
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit)

    # token + visit + items (answers, photo counts) + photos
    with django_assert_num_queries(4):
        response = api.get(f"/api/v1/visits/{visit.id}/checklist/")

    assert response.json()["missing"] == []


# --- Answering ---------------------------------------------------------------


def test_answering_an_item_stores_both_times_and_returns_its_etag(api, technician):
    visit = book(technician)
    entry = item(visit, "carry_tools")

    response = put(
        api.as_user(technician),
        visit,
        entry,
        {"value": True, "captured_at": "2026-11-23T09:58:00+08:00"},
    )

    assert response.status_code == 200
    assert response["ETag"] == f'"{entry.id}.1"'
    assert response.json()["answer"]["value"] is True
    assert response.json()["answer"]["captured_at"] == "2026-11-23T09:58:00+08:00"
    stored = ChecklistAnswer.objects.get(item=entry)
    assert stored.received_at is not None
    assert stored.answered_by == technician


def test_sending_the_same_answer_again_changes_nothing(api, technician):
    visit = book(technician)
    entry = item(visit, "carry_tools")
    api.as_user(technician)
    put(api, visit, entry, {"value": True})

    again = put(api, visit, entry, {"value": True})
    changed = put(api, visit, entry, {"value": False})

    assert again.json()["answer"]["version"] == 1
    assert changed.json()["answer"]["version"] == 2
    assert ChecklistAnswer.objects.filter(item=entry).count() == 1


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(api, technician):
    visit = book(technician)
    entry = item(visit, "carry_tools")
    api.as_user(technician)
    first = put(api, visit, entry, {"value": True})
    put(api, visit, entry, {"value": False}, HTTP_IF_MATCH=first["ETag"])

    stale = put(api, visit, entry, {"value": True}, HTTP_IF_MATCH=first["ETag"])

    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert stale.json()["current_version"] == 2
    assert ChecklistAnswer.objects.get(item=entry).value is False


def test_if_match_of_another_item_is_refused(api, technician):
    visit = book(technician)
    api.as_user(technician)

    response = put(
        api,
        visit,
        item(visit, "carry_tools"),
        {"value": True},
        HTTP_IF_MATCH='"999999.0"',
    )

    assert response.status_code == 412
    assert not ChecklistAnswer.objects.exists()


@pytest.mark.parametrize(
    ("code", "value", "error"),
    [
        ("fault_cause", "alien_invasion", "invalid_choice"),
        ("carry_tools", "yes", "invalid_value"),
        ("work_summary", "   ", "invalid_value"),
        ("work_summary", "x" * 2001, "invalid_value"),
        ("shoe_covers", True, "photo_item"),
    ],
    ids=[
        "choice-outside",
        "confirm-not-bool",
        "text-blank",
        "text-too-long",
        "photo-by-value",
    ],
)
def test_a_value_the_item_cannot_take_is_a_400_and_stores_nothing(
    api, technician, code, value, error
):
    visit = book(technician)

    response = put(api.as_user(technician), visit, item(visit, code), {"value": value})

    assert response.status_code == 400
    assert response.json()["code"] == error
    assert response.json()["detail"]
    assert not ChecklistAnswer.objects.exists()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-41, "value_out_of_range"),
        (6, "value_out_of_range"),
        ("abc", "invalid_value"),
        (True, "invalid_value"),
        ("NaN", "invalid_value"),
    ],
)
def test_numbers_are_checked_against_the_items_range(api, technician, value, error):
    visit = book(technician, kind="installation")

    response = put(
        api.as_user(technician),
        visit,
        item(visit, "optical_power_dbm"),
        {"value": value},
    )

    assert response.status_code == 400
    assert response.json()["code"] == error
    assert not ChecklistAnswer.objects.exists()


@pytest.mark.parametrize("value", [-40, 5, -18.5])
def test_numbers_at_the_edges_of_the_range_are_accepted(api, technician, value):
    visit = book(technician, kind="installation")
    start(api.as_user(technician), visit)

    response = put(
        api,
        visit,
        item(visit, "optical_power_dbm"),
        {"value": value},
    )

    assert response.status_code == 200
    assert response.json()["answer"]["value"] == value


def test_an_item_of_another_visit_is_a_404_saying_so(api, technician):
    visit = book(technician)
    other = book(technician, minutes_ahead=180)

    response = put(
        api.as_user(technician), visit, item(other, "carry_tools"), {"value": True}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "item_not_in_checklist"
    assert not ChecklistAnswer.objects.exists()


def test_answering_another_technicians_visit_is_a_404(
    api, technician, other_technician
):
    theirs = book(other_technician)

    response = put(
        api.as_user(technician), theirs, item(theirs, "carry_tools"), {"value": True}
    )

    assert response.status_code == 404
    assert not ChecklistAnswer.objects.exists()


def test_a_dispatcher_reads_but_cannot_answer(api, technician, dispatcher):
    visit = book(technician)

    read = api.as_user(dispatcher).get(f"/api/v1/visits/{visit.id}/checklist/")
    write = put(api, visit, item(visit, "carry_tools"), {"value": True})

    assert read.status_code == 200
    assert write.status_code == 403
    assert not ChecklistAnswer.objects.exists()


def test_answers_after_sign_off_are_refused_with_409(api, technician):
    visit = book(technician)
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit)
    api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")
    sign(visit, by=technician)
    entry = item(visit, "carry_tools")

    answer = put(api, visit, entry, {"value": False})
    photo = api.post(
        f"/api/v1/visits/{visit.id}/photos/", {"file": upload()}, format="multipart"
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "checklist_closed"
    assert ChecklistAnswer.objects.get(item=entry).value is True
    assert photo.status_code == 409
    assert not Photo.objects.filter(item=None).exists()


# --- Completion guard --------------------------------------------------------


def test_work_done_is_refused_with_the_list_of_missing_items(api, technician):
    visit = book(technician)
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit, skip={"site_clean", "work_summary"})

    response = api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")

    assert response.status_code == 409
    assert response.json()["code"] == "checklist_incomplete"
    assert [(row["code"], row["reason"]) for row in response.json()["missing"]] == [
        ("work_summary", "unanswered"),
        ("site_clean", "photo_missing"),
    ]
    visit.refresh_from_db()
    assert visit.state == "in_progress"
    assert not visit.events.filter(kind="finish_work").exists()


def test_a_required_confirmation_answered_no_blocks_work_done(api, technician):
    visit = book(technician)
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit)
    put(api, visit, item(visit, "items_put_back"), {"value": False})

    response = api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")

    assert response.status_code == 409
    assert response.json()["missing"] == [
        {
            "item": item(visit, "items_put_back").id,
            "code": "items_put_back",
            "text": "移动的物品已放回原处",
            "reason": "not_confirmed",
        }
    ]


def test_a_complete_checklist_lets_the_work_be_done(api, technician):
    visit = book(technician)
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit)

    response = api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")

    assert response.status_code == 200
    assert response.json()["state"] == "work_done"


def test_a_rural_visit_is_done_without_a_shoe_cover_photo(api, technician):
    visit = book(technician, area_tier="rural")
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit, skip={"shoe_covers", "tools_packed"})

    response = api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")

    assert response.status_code == 200


def test_a_city_visit_without_the_shoe_cover_photo_is_not_done(api, technician):
    visit = book(technician, area_tier="urban")
    api.as_user(technician)
    start(api, visit)
    answer_everything(api, visit, skip={"shoe_covers"})

    response = api.post(f"/api/v1/visits/{visit.id}/actions/finish-work/")

    assert response.status_code == 409
    assert [row["code"] for row in response.json()["missing"]] == ["shoe_covers"]


# --- Idempotency -------------------------------------------------------------


def test_a_replayed_step_returns_the_first_answer_without_a_second_effect(
    api, technician
):
    visit = book(technician)
    api.as_user(technician)
    key = str(uuid.uuid4())

    first = api.post(
        f"/api/v1/visits/{visit.id}/actions/start-travel/", HTTP_IDEMPOTENCY_KEY=key
    )
    replay = api.post(
        f"/api/v1/visits/{visit.id}/actions/start-travel/", HTTP_IDEMPOTENCY_KEY=key
    )

    assert first.status_code == 200
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert visit.events.filter(kind="start_travel").count() == 1


def test_the_same_key_with_a_different_body_is_a_422(api, technician):
    visit = book(technician)
    entry = item(visit, "carry_tools")
    api.as_user(technician)
    put(api, visit, entry, {"value": True}, HTTP_IDEMPOTENCY_KEY="k-1")

    response = put(api, visit, entry, {"value": False}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert ChecklistAnswer.objects.get(item=entry).value is True


def test_an_idempotent_answer_replays_its_etag(api, technician):
    visit = book(technician)
    entry = item(visit, "carry_tools")
    api.as_user(technician)

    first = put(api, visit, entry, {"value": True}, HTTP_IDEMPOTENCY_KEY="k-2")
    put(api, visit, entry, {"value": False})
    replay = put(api, visit, entry, {"value": True}, HTTP_IDEMPOTENCY_KEY="k-2")

    assert replay["ETag"] == first["ETag"] == f'"{entry.id}.1"'
    assert replay.json() == first.json()
    assert ChecklistAnswer.objects.get(item=entry).value is False


def test_a_refused_write_keeps_no_key_so_a_corrected_retry_may_use_it(api, technician):
    visit = book(technician)
    entry = item(visit, "fault_cause")
    api.as_user(technician)
    start(api, visit)

    refused = put(api, visit, entry, {"value": "nonsense"}, HTTP_IDEMPOTENCY_KEY="k-3")
    accepted = put(api, visit, entry, {"value": "line"}, HTTP_IDEMPOTENCY_KEY="k-3")

    assert refused.status_code == 400
    assert accepted.status_code == 200
    assert IdempotencyRecord.objects.filter(key="k-3").count() == 1


def test_keys_belong_to_one_user(api, technician, other_technician):
    mine, theirs = book(technician), book(other_technician)

    first = put(
        api.as_user(technician),
        mine,
        item(mine, "carry_tools"),
        {"value": True},
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    second = put(
        api.as_user(other_technician),
        theirs,
        item(theirs, "carry_tools"),
        {"value": True},
        HTTP_IDEMPOTENCY_KEY="shared",
    )

    assert first.status_code == second.status_code == 200
    assert ChecklistAnswer.objects.count() == 2


def test_an_overlong_key_is_a_400(api, technician):
    visit = book(technician)

    response = put(
        api.as_user(technician),
        visit,
        item(visit, "carry_tools"),
        {"value": True},
        HTTP_IDEMPOTENCY_KEY="x" * 256,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not ChecklistAnswer.objects.exists()


# --- The offline queue -------------------------------------------------------


def batch(api, visit, answers):
    return api.post(
        f"/api/v1/visits/{visit.id}/checklist/batch/",
        {"answers": answers},
        format="json",
    )


def test_a_queue_of_answers_is_applied_in_order_with_a_result_per_entry(
    api, technician
):
    visit = book(technician)
    tools, cause = item(visit, "carry_tools"), item(visit, "fault_cause")
    api.as_user(technician)

    response = batch(
        api,
        visit,
        [
            {
                "idempotency_key": "q1",
                "item": tools.id,
                "value": True,
                "captured_at": "2026-11-23T09:58:00+08:00",
            },
            {"idempotency_key": "q2", "item": cause.id, "value": "bad-choice"},
            {"idempotency_key": "q3", "item": tools.id, "value": False},
            {"idempotency_key": "q4", "item": 999999, "value": True},
        ],
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(row["idempotency_key"], row["status"]) for row in results] == [
        ("q1", 200),
        ("q2", 400),
        ("q3", 200),
        ("q4", 404),
    ]
    assert results[1]["body"]["code"] == "invalid_choice"
    assert results[2]["body"]["answer"]["version"] == 2
    assert ChecklistAnswer.objects.get(item=tools).value is False
    assert not ChecklistAnswer.objects.filter(item=cause).exists()


def test_pushing_the_same_queue_twice_replays_every_entry(api, technician):
    visit = book(technician)
    tools = item(visit, "carry_tools")
    api.as_user(technician)
    queue = [
        {"idempotency_key": "r1", "item": tools.id, "value": True},
        {"idempotency_key": "r2", "item": tools.id, "value": False},
    ]
    batch(api, visit, queue)

    again = batch(api, visit, queue)

    assert [row["replayed"] for row in again.json()["results"]] == [True, True]
    assert ChecklistAnswer.objects.get(item=tools).version == 2


def test_a_queued_entry_and_the_same_single_write_share_their_key(api, technician):
    visit = book(technician)
    tools = item(visit, "carry_tools")
    api.as_user(technician)
    batch(api, visit, [{"idempotency_key": "s1", "item": tools.id, "value": True}])

    single = put(api, visit, tools, {"value": True}, HTTP_IDEMPOTENCY_KEY="s1")

    assert single["Idempotent-Replayed"] == "true"
    assert ChecklistAnswer.objects.get(item=tools).version == 1


def test_an_empty_queue_is_a_400(api, technician):
    visit = book(technician)

    response = batch(api.as_user(technician), visit, [])

    assert response.status_code == 400
    assert "answers" in response.json()["fields"]


@pytest.mark.django_db(transaction=True)
def test_four_requests_with_the_same_key_at_once_take_one_step(technician):
    """Without the key, three of these would be refused: the visit is already on its way.
    Runs on SQLite too: the default set-up must hold simultaneous writers."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    visit = book(technician)
    token = Token.objects.create(user=technician).key
    results = []
    barrier = threading.Barrier(4)

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        response = client.post(
            f"/api/v1/visits/{visit.id}/actions/start-travel/",
            HTTP_IDEMPOTENCY_KEY="race",
        )
        results.append((response.status_code, response.json()["state"]))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [(200, "en_route")] * 4
    assert visit.events.filter(kind="start_travel").count() == 1
    assert IdempotencyRecord.objects.filter(key="race").count() == 1


# --- Photos ------------------------------------------------------------------


def post_photo(api, visit, **data):
    return api.post(f"/api/v1/visits/{visit.id}/photos/", data, format="multipart")


def test_a_photo_for_an_item_is_stored_re_encoded_with_a_thumbnail(api, technician):
    visit = book(technician)
    entry = item(visit, "shoe_covers")
    start(api.as_user(technician), visit)
    captured_at = timezone.localtime() + timedelta(seconds=5)

    response = post_photo(
        api,
        visit,
        file=upload(data=jpeg(2000, 1500)),
        item=entry.id,
        captured_at=captured_at.isoformat(timespec="seconds"),
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["width"], body["height"]) == (1600, 1200)
    assert body["captured_at"] == captured_at.isoformat(timespec="seconds")
    image = api.get(body["url"])
    thumbnail = api.get(body["thumbnail_url"])
    assert image["Content-Type"] == "image/jpeg"
    import hashlib

    assert (
        hashlib.sha256(b"".join(image.streaming_content)).hexdigest() == body["sha256"]
    )
    assert thumbnail.status_code == 200
    assert checklist_of(api, visit)["items"][9]["photos"][0]["id"] == body["id"]


def test_the_same_photo_sent_twice_is_stored_once(api, technician):
    visit = book(technician)
    start(api.as_user(technician), visit)
    data = jpeg(color=(1, 2, 3))

    first = post_photo(api, visit, file=upload(data=data))
    second = post_photo(api, visit, file=upload(data=data))

    assert first.json()["id"] == second.json()["id"]
    assert Photo.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"just some text", "photo.jpg", "photo_unsupported_format"),
        (jpeg(400, 300)[:300], "photo.jpg", "photo_corrupt"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, "photo.png", "photo_corrupt"),
    ],
    ids=["text-as-jpeg", "truncated-jpeg", "fake-png"],
)
def test_a_bad_photo_is_a_400_and_nothing_is_stored(api, technician, data, name, error):
    visit = book(technician)

    response = post_photo(api.as_user(technician), visit, file=upload(name, data))

    assert response.status_code == 400
    assert response.json()["code"] in {error, "photo_unsupported_format"}
    assert not Photo.objects.exists()


def test_a_twenty_megabyte_upload_is_refused(api, technician):
    visit = book(technician)
    data = jpeg() + b"\0" * (20 * 1024 * 1024)

    response = post_photo(api.as_user(technician), visit, file=upload(data=data))

    # Refused from its declared size, before the body is read: the photo's
    # 15 MB and 2.5 MB for the other fields.
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["detail"] == "上传的内容超过 17.5 MB。"
    assert response.json()["max_bytes"] == 15 * 1024 * 1024 + 2_621_440
    assert not Photo.objects.exists()


def test_a_photo_upload_without_a_file_is_a_400(api, technician):
    visit = book(technician)

    response = post_photo(
        api.as_user(technician), visit, item=item(visit, "shoe_covers").id
    )

    assert response.status_code == 400
    assert "file" in response.json()["fields"]


def test_photos_of_another_technicians_visit_are_hidden(
    api, technician, other_technician
):
    theirs = book(other_technician)
    start(api.as_user(other_technician), theirs)
    photo = post_photo(api, theirs, file=upload()).json()

    api.as_user(technician)

    assert post_photo(api, theirs, file=upload()).status_code == 404
    assert api.get(photo["url"]).status_code == 404
    assert Photo.objects.count() == 1


def test_each_item_and_each_answer_says_why_it_is_still_missing(api, technician):
    """An item's `missing_reason` is the checklist's `missing` for that item,
    in the checklist and in an answer's own response, so the phone can show
    the checklist as it now is without reading it again."""
    visit = book(technician)  # a city home: shoe covers are a required photo
    api.as_user(technician)
    start(api, visit)
    confirm = item(visit, "items_put_back")
    text = item(visit, "work_summary")
    photo = item(visit, "site_clean")
    optional = visit.checklist.filter(is_required=False).exclude(kind="photo").first()

    before = {
        row["code"]: row["missing_reason"] for row in checklist_of(api, visit)["items"]
    }
    said_no = put(api, visit, confirm, {"value": False}).json()["missing_reason"]
    said_yes = put(api, visit, confirm, {"value": True}).json()["missing_reason"]
    written = put(api, visit, text, {"value": "换了光猫"}).json()["missing_reason"]
    api.post(
        f"/api/v1/visits/{visit.id}/photos/",
        {"file": upload(data=jpeg()), "item": photo.id},
        format="multipart",
    )
    after = checklist_of(api, visit)

    assert (before["items_put_back"], before["work_summary"]) == (
        "unanswered",
        "unanswered",
    )
    assert before["site_clean"] == "photo_missing"
    assert before[optional.code] is None
    assert (said_no, said_yes, written) == ("not_confirmed", None, None)
    reasons = {row["code"]: row["missing_reason"] for row in after["items"]}
    assert reasons["site_clean"] is None
    assert {row["code"]: row["reason"] for row in after["missing"]} == {
        code: reason for code, reason in reasons.items() if reason is not None
    }


def test_an_answer_takes_a_fixed_number_of_statements(api, technician):
    """The phone's most frequent write, counted (transaction control aside):
    who is asking, the Idempotency-Key claimed, the visit, the
    item, the visit locked, the answer read and written, the item's photos for
    the answer, the first answer kept for a replay."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    visit = book(technician)
    api.as_user(technician)
    start(api, visit)
    entry = item(visit, "items_put_back")
    put(api, visit, entry, {"value": True}, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    with CaptureQueriesContext(connection) as captured:
        response = put(
            api, visit, entry, {"value": False}, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )

    statements = [
        query["sql"].split()[0]
        for query in captured
        if query["sql"].split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE")
    ]
    assert response.status_code == 200
    assert statements == [
        "SELECT",  # the token and its user
        "INSERT",  # the Idempotency-Key claimed
        "SELECT",  # the visit, if visible
        "SELECT",  # the item
        "SELECT",  # the visit, locked
        "SELECT",  # the answer
        "UPDATE",  # ... written
        "SELECT",  # the item's photos
        "UPDATE",  # the first answer kept for a replay
    ]
    visit_reads = [q["sql"] for q in captured if 'FROM "visits_visit"' in q["sql"]]
    assert all('"accounts_user"' not in sql for sql in visit_reads)
