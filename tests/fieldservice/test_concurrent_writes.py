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
from visits.lifecycle.models import Visit, VisitEvent

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

    assert sorted(results) == [(201, "")] + [(400, "technician_busy")] * (WRITERS - 1)
    assert Visit.objects.filter(technician=technician).count() == 1
    assert VisitEvent.objects.filter(kind="scheduled").count() == 1
