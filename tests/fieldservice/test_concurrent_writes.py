"""Simultaneous writers on the default set-up (SQLite) and on PostgreSQL: one
wins, the others are refused with a 4xx, none gets a 500."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import DispatcherFactory, TechnicianFactory, WorkOrderFactory
from tests.visits.checklists.checklist_helpers import book
from visits.calls import services as calls
from visits.models import Call, Visit, VisitEvent

WRITERS = 6


def _at_once(send, count: int) -> list:
    """Runs `send(index)` in `count` threads released together; their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = send(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_bookings_of_one_technician_s_slot_book_one():
    dispatcher = DispatcherFactory()
    technician = TechnicianFactory()
    orders = [WorkOrderFactory() for _ in range(WRITERS)]
    token = Token.objects.create(user=dispatcher).key
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0).isoformat()

    def book(index: int) -> tuple[int, str]:
        client = APIClient(raise_request_exception=False)  # a 500 is an answer
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(
            "/api/v1/visits/",
            {
                "work_order": orders[index].id,
                "technician": technician.id,
                "appointed_start": start,
            },
            format="json",
        )
        return response.status_code, response.json().get("code", "")

    results = _at_once(book, WRITERS)

    assert sorted(results) == [(201, "")] + [(409, "technician_busy")] * (WRITERS - 1)
    assert Visit.objects.filter(technician=technician).count() == 1
    assert VisitEvent.objects.filter(kind="scheduled").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_bookings_at_once_within_the_travel_buffer_of_each_other_book_one(
    settings,
):
    """Neither overlaps the other: only the technician's lock, taken before the
    buffer is checked, keeps both from passing."""
    settings.TRAVEL_BUFFER_MINUTES = 30
    dispatcher = DispatcherFactory()
    technician = TechnicianFactory()
    orders = [WorkOrderFactory() for _ in range(2)]
    token = Token.objects.create(user=dispatcher).key
    first = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    starts = [first, first + timedelta(minutes=60 + 10)]  # 10 minutes apart

    def book(index: int) -> tuple[int, str]:
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(
            "/api/v1/visits/",
            {
                "work_order": orders[index].id,
                "technician": technician.id,
                "appointed_start": starts[index].isoformat(),
                "expected_duration_minutes": 60,
            },
            format="json",
        )
        return response.status_code, response.json().get("code", "")

    results = _at_once(book, 2)

    assert sorted(results) == [(201, ""), (409, "travel_buffer")]
    assert Visit.objects.filter(technician=technician).count() == 1
    assert VisitEvent.objects.filter(kind="scheduled").count() == 1


@pytest.mark.django_db(transaction=True)
def test_scans_at_once_claim_each_due_call_exactly_once():
    """Beat's scan overlapping others (a late tick, a second beat)."""
    technician = TechnicianFactory()
    ids = []
    for index in range(5):
        visit = book(technician, minutes_ahead=3 * 24 * 60 + index * 120)
        call = Call.objects.filter(visit=visit).order_by("due_at").first()
        Call.objects.filter(pk=call.pk).update(
            due_at=timezone.now() - timedelta(seconds=1)
        )
        ids.append(call.pk)

    def scan(_index: int) -> list[int]:
        handed_over: list[int] = []
        calls.calls_scan(on_claimed=handed_over.extend)
        return handed_over

    handed_over = _at_once(scan, WRITERS)

    assert sorted(call_id for batch in handed_over for call_id in batch) == sorted(ids)
    assert set(Call.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        "queued"
    }
