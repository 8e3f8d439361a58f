"""Scans, workers and the provider's callbacks writing one call at the same
moment, on PostgreSQL: each locks the call before it reads it, so none undoes
what another committed (tests/concurrency.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.concurrency import race
from tests.visits.checklists.checklist_helpers import book
from visits.calls import services as calls
from visits.models import Call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_seeds"),
]


@pytest.fixture
def call(technician, settings):
    settings.CALL_QUIET_HOURS = "00:00-00:00"  # the calls may ring at any hour here
    visit = book(technician, minutes_ahead=3 * 24 * 60)
    return Call.objects.get(visit=visit, purpose="reminder_before_arrival")


def placed(call: Call) -> Call:
    Call.objects.filter(pk=call.pk).update(
        state="placed", attempts=1, provider_call_id="CA1", claimed_at=timezone.now()
    )
    call.refresh_from_db()
    return call


def test_two_scans_at_once_claim_each_due_call_once(call):
    later = timezone.now() + timedelta(days=10)  # every call of the visit is due
    due = set(Call.objects.filter(state="scheduled").values_list("id", flat=True))
    claimed: list[list[int]] = [[], []]

    outcome = race(
        first=lambda: calls.calls_claim_due(on_claimed=claimed[0].extend, now=later),
        second=lambda: calls.calls_claim_due(on_claimed=claimed[1].extend, now=later),
    )

    assert (outcome.first.error, outcome.second.error) == (None, None)
    assert set(claimed[0]) == due
    assert claimed[1] == []


def test_two_keypad_answers_at_once_are_both_recorded(call):
    call = placed(call)

    def press_one():
        return calls.call_record_keys(call=call, step="confirm", digits="1", attempt=1)

    outcome = race(first=press_one, second=press_one)

    assert (outcome.first.error, outcome.second.error) == (None, None)
    call.refresh_from_db()
    assert (call.digits, call.outcome) == ("11", "confirmed")


def test_the_end_of_a_call_reported_while_its_answer_is_recorded_keeps_the_answer(
    call,
):
    call = placed(call)

    outcome = race(
        first=lambda: calls.call_record_keys(
            call=call, step="confirm", digits="1", attempt=1
        ),
        second=lambda: calls.call_record_status(call=call, status="completed"),
    )

    assert (outcome.first.error, outcome.second.error) == (None, None)
    call.refresh_from_db()
    assert (call.state, call.digits, call.outcome) == ("completed", "1", "confirmed")


def test_a_call_that_starts_ringing_while_recovery_runs_is_not_placed_again(
    call, settings
):
    Call.objects.filter(pk=call.pk).update(
        state="placing", attempts=1, claimed_at=timezone.now() - timedelta(hours=1)
    )
    later = timezone.now() + timedelta(minutes=settings.CALL_PLACING_STALE_MINUTES + 60)

    outcome = race(
        first=lambda: calls.call_record_status(
            call=call, status="ringing", provider_call_id="CA1"
        ),
        second=lambda: calls.calls_recover_stale(now=later),
    )

    assert outcome.first.error is None
    assert outcome.second.value == (0, 0)
    call.refresh_from_db()
    assert (call.state, call.provider_call_id, call.attempts) == ("placed", "CA1", 1)


def test_a_late_task_does_not_place_a_call_that_recovery_handed_back(call, settings):
    settings.CALL_QUIET_HOURS = "00:00-00:00"  # the call may ring at any hour here
    Call.objects.filter(pk=call.pk).update(
        state="queued", claimed_at=timezone.now() - timedelta(hours=1)
    )
    later = timezone.now() + timedelta(minutes=settings.CALL_QUEUED_STALE_MINUTES + 60)

    outcome = race(
        first=lambda: calls.calls_recover_stale(now=later),
        second=lambda: calls.call_place(call_id=call.pk),
    )

    assert outcome.first.value == (1, 0)
    assert outcome.second.error is None
    call.refresh_from_db()
    assert (call.state, call.attempts, call.provider_call_id) == ("scheduled", 0, None)
