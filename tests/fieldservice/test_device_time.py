"""Reading the phone's clock (fieldservice.device_time): the Device-Time header,
the offset it measures and the correction of the times a request reports."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from fieldservice.device_time import (
    DeviceClock,
    DeviceTimeInvalid,
    ReportedTime,
    UnreadableDeviceTime,
    parse_device_time,
    read_device_clock,
)

RECEIVED = datetime(2026, 11, 23, 2, 40, tzinfo=UTC)  # 10:40 in Shanghai


def request_with(**headers):
    return SimpleNamespace(headers=headers)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T10:33:00+08:00", datetime(2026, 11, 23, 2, 33, tzinfo=UTC)),
        ("2026-11-23T02:33:00.250Z", datetime(2026, 11, 23, 2, 33, 0, 250000, UTC)),
        ("1970-01-01T00:00:00Z", datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_a_phones_clock_reading_is_iso_8601_with_its_offset(text, expected):
    assert parse_device_time(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-11-23T10:33:00", "naive"),
        ("yesterday", "invalid"),
        ("2026-11-23T25:00:00+08:00", "invalid"),
        ("1969-12-31T23:59:59Z", "out_of_range"),
        ("2100-01-01T00:00:00Z", "out_of_range"),
        ("9999-12-31T23:59:59-23:59", "out_of_range"),
    ],
)
def test_what_no_clock_reads_is_refused_with_its_reason(text, reason):
    with pytest.raises(UnreadableDeviceTime) as caught:
        parse_device_time(text)

    assert caught.value.reason == reason


def test_a_phone_seven_minutes_slow_has_its_times_moved_seven_minutes_later():
    clock = DeviceClock(received_at=RECEIVED, sent_at=RECEIVED - timedelta(minutes=7))
    tapped_on_the_phone = datetime(2026, 11, 23, 1, 58, tzinfo=UTC)  # 09:58

    assert clock.offset == timedelta(minutes=7)
    assert clock.correct(tapped_on_the_phone) == datetime(
        2026, 11, 23, 2, 5, tzinfo=UTC
    )
    assert clock.correct(None) is None


def test_without_device_time_the_phones_times_are_taken_as_they_are():
    clock = DeviceClock(received_at=RECEIVED, sent_at=None)
    tapped = datetime(2026, 11, 23, 2, 5, tzinfo=UTC)

    assert clock.offset is None
    assert clock.correct(tapped) == tapped


def test_the_event_record_says_where_the_time_came_from():
    clock = DeviceClock(
        received_at=RECEIVED, sent_at=RECEIVED + timedelta(minutes=2, seconds=20)
    )
    time = ReportedTime(
        occurred_at=datetime(2026, 11, 23, 2, 7, 20, tzinfo=UTC), clock=clock
    )

    assert time.corrected == datetime(2026, 11, 23, 2, 5, tzinfo=UTC)
    assert time.record() == {
        "time_source": "device",
        "device_time": "2026-11-23T10:07:20+08:00",
        "device_sent_at": "2026-11-23T10:42:20+08:00",
        "clock_offset_seconds": -140,
        "received_at": "2026-11-23T10:40:00+08:00",
    }


def test_a_request_without_the_header_is_measured_without_an_offset():
    clock = read_device_clock(request_with())

    assert clock.sent_at is None


def test_an_unreadable_header_is_a_400_naming_the_header():
    with pytest.raises(DeviceTimeInvalid) as caught:
        read_device_clock(request_with(**{"Device-Time": "10:40"}))

    assert caught.value.status_code == 400
    assert caught.value.code == "device_time_invalid"
    assert caught.value.extra == {"header": "Device-Time"}
