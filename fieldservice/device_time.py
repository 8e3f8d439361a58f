"""Times a phone reports, read through the phone's own clock.

The technician's phone works offline: it keeps what was done with the time its
clock showed and sends it when the network returns. Two things make such a
time usable (docs/rules.md#offline-steps):

- the request's `Device-Time: <ISO 8601>` header, the phone's clock at the
  moment it sends. The server measures the phone's clock against its own
  (offset = server now - Device-Time) and moves every time the request reports
  by that offset, so a phone whose clock is wrong still reports right times.
  The offset also holds the request's time in transit: a corrected time can be
  later than the truth by that much, never earlier.
- the bounds a reported lifecycle step must keep (visits.lifecycle.rules
  `judge_reported_step_time`), which the lifecycle applies.

This is the one home for reading and correcting device times: the lifecycle
steps and the checklist's answers and photos both go through it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from fieldservice.errors import ApplicationError

HEADER = "Device-Time"
# What a phone's clock may read: from 1970 (a phone whose clock was reset)
# to the last year the product plans for. Any offset between the two keeps
# every corrected time within the years Python can hold.
EARLIEST_READING = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_READING = datetime(2100, 1, 1, tzinfo=UTC)


class DeviceTimeInvalid(ApplicationError):
    code = "device_time_invalid"
    default_detail = _(
        "The Device-Time header must be the phone's date and time with its "
        "offset from UTC (ISO 8601), for example 2026-11-23T10:40:00+08:00."
    )


class UnreadableDeviceTime(ValueError):
    """`reason`: "invalid" (not ISO 8601), "naive" (no offset from UTC) or
    "out_of_range" (no clock reads that)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_device_time(text: str) -> datetime:
    """A time the phone's clock read: ISO 8601 with its offset from UTC. A time
    without an offset is refused: the phone's time zone is not the server's to
    guess. Raises UnreadableDeviceTime."""
    try:
        value = parse_datetime(text.strip())
    except ValueError:  # well-formed but impossible, e.g. hour 25
        value = None
    if value is None:
        raise UnreadableDeviceTime("invalid")
    if timezone.is_naive(value):
        raise UnreadableDeviceTime("naive")
    try:
        in_range = EARLIEST_READING <= value < LATEST_READING
    except OverflowError:
        in_range = False
    if not in_range:
        raise UnreadableDeviceTime("out_of_range")
    return value


@dataclass(frozen=True)
class DeviceClock:
    """The phone's clock as one request measured it."""

    received_at: datetime  # the server's clock when the request arrived
    sent_at: (
        datetime | None
    )  # Device-Time: the phone's clock when it sent; None if not sent

    @property
    def offset(self) -> timedelta | None:
        """How far the phone's clock is behind the server's (negative: ahead)."""
        return None if self.sent_at is None else self.received_at - self.sent_at

    def correct(self, reported: datetime | None) -> datetime | None:
        """`reported`, a time the phone's clock read, on the server's clock."""
        offset = self.offset
        if reported is None or offset is None:
            return reported
        return reported + offset


def read_device_clock(request) -> DeviceClock:
    """The request's Device-Time against the server's clock now. Raises
    DeviceTimeInvalid (400) for a header `parse_device_time` cannot read."""
    received_at = timezone.now()
    header = request.headers.get(HEADER)
    if header is None:
        return DeviceClock(received_at=received_at, sent_at=None)
    try:
        sent_at = parse_device_time(header)
    except UnreadableDeviceTime as error:
        raise DeviceTimeInvalid(extra={"header": HEADER}) from error
    return DeviceClock(received_at=received_at, sent_at=sent_at)


@dataclass(frozen=True)
class ReportedTime:
    """When the phone says something happened, with the clock that read it."""

    occurred_at: datetime  # as the phone sent it
    clock: DeviceClock

    @property
    def corrected(self) -> datetime:
        corrected = self.clock.correct(self.occurred_at)
        assert corrected is not None
        return corrected

    def record(self) -> dict:
        """Where a recorded time came from, for the event log."""
        offset = self.clock.offset
        return {
            "time_source": "device",
            "device_time": _local_iso(self.occurred_at),
            "device_sent_at": _local_iso(self.clock.sent_at),
            "clock_offset_seconds": (
                None if offset is None else round(offset.total_seconds())
            ),
            "received_at": _local_iso(self.clock.received_at),
        }


def _local_iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DeviceClockMixin:
    """For APIViews whose writes carry times the phone read: measures the
    phone's clock once per write, right after authentication, before the body
    is read (`self.device_clock`). A bad Device-Time header on a write is a
    400; reads ignore the header."""

    device_clock: DeviceClock

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in WRITE_METHODS:
            self.device_clock = read_device_clock(request)
