"""Visits booked through the services, so they carry a real checklist snapshot."""

import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image

from tests.factories import CustomerFactory, DispatcherFactory
from visits.lifecycle import services
from visits.models import VisitChecklistItem


def book(technician, *, area_tier="urban", kind="repair", minutes_ahead=1):
    dispatcher = DispatcherFactory()
    customer = CustomerFactory(area_tier=area_tier)
    order = services.work_order_create(customer=customer, kind=kind, by=dispatcher)
    return services.visit_schedule(
        work_order=order,
        technician=technician,
        appointed_start=timezone.now() + timedelta(minutes=minutes_ahead),
        by=dispatcher,
    )


def start_work(api, visit):
    """The visit's technician (signed in on `api`) sets off, arrives and starts
    work through the API, each step answered with 200."""
    for step in ("start-travel", "arrive", "start-work"):
        assert api.post(f"/api/v1/visits/{visit.id}/actions/{step}/").status_code == 200


def item(visit, code) -> VisitChecklistItem:
    return visit.checklist.get(code=code)


def jpeg(width=64, height=48, color=(200, 30, 30), **save) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (width, height), color).save(stream, "JPEG", **save)
    return stream.getvalue()


def upload(name="photo.jpg", data=None, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type)


SAMPLE = {"confirm": True, "text": "换了光猫", "number": -18}


def answer_everything(api, visit, *, skip=()):
    """Answers every item through the API as the phone would."""
    for entry in visit.checklist.order_by("position"):
        if entry.code in skip:
            continue
        if entry.kind == "photo":
            response = api.post(
                f"/api/v1/visits/{visit.id}/photos/",
                {
                    "file": upload(data=jpeg(color=(entry.position, 10, 10))),
                    "item": entry.id,
                },
                format="multipart",
            )
        else:
            value = (
                entry.choices[0]["value"]
                if entry.kind == "choice"
                else SAMPLE[entry.kind]
            )
            response = api.put(
                f"/api/v1/visits/{visit.id}/checklist/{entry.id}/",
                {"value": value},
                format="json",
            )
        assert response.status_code in (200, 201), response.json()
