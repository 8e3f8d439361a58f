"""The technician's phone: today's visits, the checklist, answers, photos.

Every write takes an Idempotency-Key (a replay returns the first answer);
answers carry an ETag and refuse a stale If-Match with 412.
"""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldservice import inputs
from fieldservice.api import validation_error_body
from fieldservice.device_time import DeviceClock, DeviceClockMixin
from fieldservice.downloads import FileDownloadApi
from fieldservice.errors import ApplicationError, error_body
from fieldservice.idempotency.api import IdempotentWritesMixin
from fieldservice.idempotency.services import HEADER, Outcome, fingerprint, run_once
from visits.checklists import policies, rules, selectors, services
from visits.checklists.models import (
    ChecklistStage,
    ItemKind,
    Photo,
    VisitChecklistItem,
)
from visits.checklists.services import PreconditionFailed
from visits.lifecycle.api import VisitOutputSerializer
from visits.lifecycle.models import Visit
from visits.lifecycle.selectors import (
    my_visits_on,
    visible_visit_row_or_404,
)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string per write (a UUID). Sending it again returns the first "
    "answer without a second effect; the same key with a different body is a 422.",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag last read for this item, e.g. "41.2" (or "41.0" when it had no '
    "answer). A stale value is refused with 412.",
)


def etag(item: VisitChecklistItem) -> str:
    answer = selectors.answer_of(item)
    return f'"{item.id}.{answer.version if answer else 0}"'


def expected_version(header: str | None, item: VisitChecklistItem) -> int | None:
    """The answer version an If-Match header expects; None without the header."""
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    item_id, _dot, version = value.partition(".")
    if item_id != str(item.id) or not version.isdigit():
        raise PreconditionFailed(
            _("If-Match %(value)s is not an ETag of this item.") % {"value": header}
        )
    return int(version)


# --- Output ------------------------------------------------------------------

ITEM_EXAMPLE = {
    "id": 41,
    "code": "shoe_covers",
    "stage": "in_the_home",
    "position": 100,
    "text": "进门换上干净的鞋套（县（市、区）及以上客户必须；乡镇及农村客户按当地习惯）",
    "text_zh": "进门换上干净的鞋套（县（市、区）及以上客户必须；乡镇及农村客户按当地习惯）",
    "text_en": "Clean shoe covers on entering (required for county/city/district-and-above "
    "customers; township and rural: local custom)",
    "kind": "photo",
    "is_required": True,
    "choices": [],
    "min_value": None,
    "max_value": None,
    "answer": None,
    "etag": '"41.0"',
    "missing_reason": None,
    "photos": [
        {
            "id": 7,
            "item": 41,
            "url": "/api/v1/photos/7/image/",
            "thumbnail_url": "/api/v1/photos/7/thumbnail/",
            "width": 1200,
            "height": 1600,
            "byte_size": 412332,
            "sha256": "9f2c…",
            "source_format": "JPEG",
            "captured_at": "2026-11-23T10:01:00+08:00",
            "uploaded_at": "2026-11-23T10:01:04+08:00",
        }
    ],
}


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


# The phone's hottest reads: plain serializers with their fields spelled out.
# A ModelSerializer builds its fields from the model on every instantiation,
# about a tenth of an answer's or a checklist's CPU.
class PhotoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, label=_label(Photo, "id"))
    item = serializers.IntegerField(
        source="item_id", read_only=True, allow_null=True, label=_label(Photo, "item")
    )
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField(read_only=True, label=_label(Photo, "width"))
    height = serializers.IntegerField(read_only=True, label=_label(Photo, "height"))
    byte_size = serializers.IntegerField(
        read_only=True, label=_label(Photo, "byte_size")
    )
    sha256 = serializers.CharField(read_only=True, label=_label(Photo, "sha256"))
    source_format = serializers.CharField(
        read_only=True, label=_label(Photo, "source_format")
    )
    captured_at = serializers.DateTimeField(
        read_only=True, allow_null=True, label=_label(Photo, "captured_at")
    )
    uploaded_at = serializers.DateTimeField(
        read_only=True, label=_label(Photo, "uploaded_at")
    )

    def get_url(self, photo: Photo) -> str:
        return reverse("photo-image", args=[photo.id])

    def get_thumbnail_url(self, photo: Photo) -> str:
        return reverse("photo-thumbnail", args=[photo.id])


MISSING_REASONS = [reason.value for reason in rules.MissingReason]


class AnswerOutputSerializer(serializers.Serializer):
    value = serializers.JSONField()
    note = serializers.CharField()
    captured_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField()
    version = serializers.IntegerField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A photo item with its evidence", value=ITEM_EXAMPLE, response_only=True
        )
    ]
)
class ChecklistItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        read_only=True, label=_label(VisitChecklistItem, "id")
    )
    code = serializers.CharField(
        read_only=True, label=_label(VisitChecklistItem, "code")
    )
    stage = serializers.ChoiceField(
        choices=ChecklistStage.choices,
        read_only=True,
        label=_label(VisitChecklistItem, "stage"),
    )
    position = serializers.IntegerField(
        read_only=True, label=_label(VisitChecklistItem, "position")
    )
    text = serializers.CharField(read_only=True)
    text_zh = serializers.CharField(
        read_only=True, label=_label(VisitChecklistItem, "text_zh")
    )
    text_en = serializers.CharField(
        read_only=True, label=_label(VisitChecklistItem, "text_en")
    )
    kind = serializers.ChoiceField(
        choices=ItemKind.choices,
        read_only=True,
        label=_label(VisitChecklistItem, "kind"),
    )
    is_required = serializers.BooleanField(
        read_only=True, label=_label(VisitChecklistItem, "is_required")
    )
    choices = serializers.JSONField(
        read_only=True, label=_label(VisitChecklistItem, "choices")
    )
    min_value = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        allow_null=True,
        read_only=True,
        label=_label(VisitChecklistItem, "min_value"),
    )
    max_value = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        allow_null=True,
        read_only=True,
        label=_label(VisitChecklistItem, "max_value"),
    )
    # A nested serializer, not a method building one per item. A missing
    # answer reads as null.
    answer = AnswerOutputSerializer(allow_null=True, read_only=True)
    etag = serializers.SerializerMethodField()
    photos = PhotoOutputSerializer(many=True, read_only=True)
    missing_reason = serializers.SerializerMethodField(
        help_text="Why this item still keeps the visit from work done, or null: "
        "the same reason as in the checklist's `missing`. An answer's response "
        "carries it, so the phone needs no reload to know."
    )

    @extend_schema_field(
        serializers.ChoiceField(choices=MISSING_REASONS, allow_null=True)
    )
    def get_missing_reason(self, item: VisitChecklistItem) -> str | None:
        return selectors.missing_reason_of(item)

    def get_etag(self, item: VisitChecklistItem) -> str:
        return etag(item)


class MissingItemSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    reason = serializers.ChoiceField(choices=MISSING_REASONS)


class ChecklistOutputSerializer(serializers.Serializer):
    visit = serializers.IntegerField()
    state = serializers.CharField()
    template = serializers.CharField(allow_null=True)
    items = ChecklistItemOutputSerializer(many=True)
    missing = MissingItemSerializer(many=True)


def checklist_body(visit: Visit) -> dict:
    items = list(selectors.checklist_items_for(visit))
    return ChecklistOutputSerializer(
        {
            "visit": visit.id,
            "state": visit.state,
            "template": str(visit.checklist_template)
            if visit.checklist_template
            else None,
            "items": items,
            "missing": selectors.missing_from_items(items),
        }
    ).data


class ProgressSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    required = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="Required items still missing.")


class MyVisitSerializer(VisitOutputSerializer):
    checklist_progress = serializers.SerializerMethodField()

    @extend_schema_field(ProgressSerializer)
    def get_checklist_progress(self, visit: Visit) -> dict:
        return self.context["progress"].get(
            visit.id, {"items": 0, "required": 0, "missing": 0}
        )


# --- Views -------------------------------------------------------------------


class MyVisitsApi(APIView):
    """The signed-in technician's visits of one day (default: today), with
    checklist progress."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "date", OpenApiTypes.DATE, description="Local day; default today."
            )
        ],
        responses=MyVisitSerializer(many=True),
    )
    def get(self, request):
        field = inputs.DateField()
        raw = request.query_params.get("date")
        try:
            day = field.run_validation(raw) if raw else timezone.localdate()
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"date": error.detail}) from error
        visits = list(my_visits_on(request.user, day))
        progress = selectors.progress_by_visit(
            selectors.checklist_rows_of([visit.id for visit in visits])
        )
        context = {"request": request, "progress": progress}
        return Response(MyVisitSerializer(visits, many=True, context=context).data)


def _item(visit: Visit, item_id: int) -> VisitChecklistItem:
    item = (
        VisitChecklistItem.objects.filter(visit=visit, pk=item_id)
        .select_related("answer")
        .first()
    )
    if item is None:
        raise ItemNotOnChecklist(
            _("Item %(item)s is not on this visit's checklist.") % {"item": item_id}
        )
    return item


class ItemNotOnChecklist(ApplicationError):
    status_code = 404
    code = "item_not_in_checklist"


class ChecklistApi(APIView):
    @extend_schema(responses=ChecklistOutputSerializer)
    def get(self, request, pk: int):
        """The visit's checklist: items, answers with their ETags, photos and
        what is still missing before "work done"."""
        visit = visible_visit_row_or_404(request.user, pk, "checklist_template")
        return Response(checklist_body(visit))


def captured_at_field() -> inputs.DateTimeField:
    """The phone's time of an answer or a photo (both inputs take it)."""
    return inputs.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the phone took it, on the phone's clock: corrected by "
        "the request's `Device-Time` header when sent.",
    )


@extend_schema_serializer(
    component_name="ChecklistAnswerInput",
    examples=[
        OpenApiExample("Confirm", value={"value": True}),
        OpenApiExample(
            "Number, captured offline",
            value={"value": -18.5, "captured_at": "2026-11-23T10:04:12+08:00"},
        ),
        OpenApiExample("Choice", value={"value": "stepped_back", "note": ""}),
    ],
)
class AnswerInputSerializer(serializers.Serializer):
    value = serializers.JSONField(
        help_text="true/false, text, a number or a choice value."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    captured_at = captured_at_field()


def _answer(
    request,
    visit: Visit,
    item: VisitChecklistItem,
    data: dict,
    if_match,
    clock: DeviceClock,
) -> dict:
    answer = services.checklist_answer_set(
        visit=visit,
        item=item,
        by=request.user,
        expected_version=expected_version(if_match, item),
        **{**data, "captured_at": clock.correct(data.get("captured_at"))},
    )
    item.answer = answer  # the item as it is now, without reading it again
    return ChecklistItemOutputSerializer(item).data


class ChecklistAnswerApi(DeviceClockMixin, IdempotentWritesMixin, APIView):
    @extend_schema(
        request=AnswerInputSerializer,
        responses={
            200: ChecklistItemOutputSerializer,
            404: OpenApiResponse(description="Not your visit, or not an item of it."),
            409: OpenApiResponse(description="The visit is signed off or ended."),
            412: OpenApiResponse(description="If-Match is stale."),
            422: OpenApiResponse(
                description="Idempotency-Key reused with another body."
            ),
        },
        parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER],
    )
    def put(self, request, pk: int, item_id: int):
        """Sets the answer to one item (an upsert by item)."""
        visit = visible_visit_row_or_404(request.user, pk)
        item = _item(visit, item_id)
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = _answer(
            request,
            visit,
            item,
            serializer.validated_data,
            request.headers.get("If-Match"),
            self.device_clock,
        )
        return Response(body, headers={"ETag": body["etag"]})


class BatchEntrySerializer(AnswerInputSerializer):
    idempotency_key = serializers.CharField(max_length=255, required=False)
    item = serializers.IntegerField()
    if_match = serializers.CharField(required=False, allow_null=True, default=None)


@extend_schema_serializer(
    component_name="ChecklistBatchInput",
    examples=[
        OpenApiExample(
            "Queue pushed after being offline",
            value={
                "answers": [
                    {
                        "idempotency_key": "6f1c…-1",
                        "item": 41,
                        "value": True,
                        "captured_at": "2026-11-23T09:58:00+08:00",
                    },
                    {
                        "idempotency_key": "6f1c…-2",
                        "item": 44,
                        "value": "stepped_back",
                        "captured_at": "2026-11-23T09:59:30+08:00",
                    },
                ]
            },
        )
    ],
)
class BatchInputSerializer(serializers.Serializer):
    answers = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=200
    )


class BatchResultSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(allow_null=True)
    item = serializers.IntegerField(allow_null=True)
    status = serializers.IntegerField()
    replayed = serializers.BooleanField()
    body = serializers.JSONField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "One entry applied, one refused",
            response_only=True,
            value={
                "results": [
                    {
                        "idempotency_key": "6f1c…-1",
                        "item": 41,
                        "status": 200,
                        "replayed": False,
                        "body": {"id": 41, "etag": '"41.1"', "…": "…"},
                    },
                    {
                        "idempotency_key": "6f1c…-2",
                        "item": 44,
                        "status": 400,
                        "replayed": False,
                        "body": {
                            "code": "invalid_choice",
                            "detail": "x is not one of the choices: stepped_back, "
                            "no_peephole.",
                        },
                    },
                ]
            },
        )
    ]
)
class BatchOutputSerializer(serializers.Serializer):
    results = BatchResultSerializer(many=True)


class ChecklistBatchApi(DeviceClockMixin, IdempotentWritesMixin, APIView):
    @extend_schema(
        request=BatchInputSerializer,
        responses={200: BatchOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk: int):
        """Applies a queue of answers in order, each as if sent alone to
        PUT .../checklist/{item}/ with its own Idempotency-Key, and reports each
        result. A failed entry does not stop the ones after it. The batch's
        Device-Time corrects every entry's `captured_at`."""
        visit = visible_visit_row_or_404(request.user, pk)
        batch = BatchInputSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        results = [
            self._entry(request, visit, entry)
            for entry in batch.validated_data["answers"]
        ]
        return Response({"results": results})

    def _entry(self, request, visit: Visit, raw: dict) -> dict:
        key = raw.get("idempotency_key")
        item_id = raw.get("item") if isinstance(raw.get("item"), int) else None

        def call() -> Outcome:
            try:
                entry = BatchEntrySerializer(data=raw)
                entry.is_valid(raise_exception=True)
                data = dict(entry.validated_data)
                data.pop("idempotency_key", None)
                item = _item(visit, data.pop("item"))
                body = _answer(
                    request,
                    visit,
                    item,
                    data,
                    data.pop("if_match", None),
                    self.device_clock,
                )
                return Outcome(200, body, {"ETag": body["etag"]}, False)
            except serializers.ValidationError as error:
                return Outcome(400, validation_error_body(error.detail), {}, False)
            except ApplicationError as error:
                return Outcome(error.status_code, error_body(error), {}, False)

        if key:
            path = (
                reverse("visit-checklist-answer", args=[visit.id, item_id])
                if item_id is not None
                else f"{reverse('visit-checklist', args=[visit.id])}None/"
            )
            sent = {
                name: value
                for name, value in raw.items()
                if name not in ("idempotency_key", "item", "if_match")
            }
            try:
                outcome = run_once(
                    user=request.user,
                    key=key,
                    request_fingerprint=fingerprint("PUT", path, sent),
                    call=call,
                )
            except ApplicationError as error:  # the key was used for something else
                outcome = Outcome(error.status_code, error_body(error), {}, False)
        else:
            outcome = call()
        return {
            "idempotency_key": key,
            "item": item_id,
            "status": outcome.status_code,
            "replayed": outcome.is_replay,
            "body": outcome.body,
        }


def photo_limits() -> dict[str, int]:
    """The bounds every photo upload is held to (settings), as photo_add takes them."""
    return {
        "max_bytes": settings.PHOTO_MAX_BYTES,
        "max_pixels": settings.PHOTO_MAX_PIXELS,
        "max_side_pixels": settings.PHOTO_MAX_SIDE_PIXELS,
    }


class PhotoInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG or PNG; metadata is removed.")
    item = serializers.IntegerField(required=False, allow_null=True, default=None)
    captured_at = captured_at_field()


class PhotoListCreateApi(DeviceClockMixin, IdempotentWritesMixin, APIView):
    parser_classes = [inputs.MultiPartParser, FormParser, inputs.JSONParser]

    @property
    def max_upload_body_bytes(self) -> int:
        """The photo and the few fields beside it: a larger body is refused
        (413) before any of it is read."""
        return settings.PHOTO_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def check_permissions(self, request):
        """Who may add a photo is known from the URL alone: refuse the others
        here, before anything (the Idempotency-Key fingerprint included) reads
        the body, so a stranger's upload is never looked at."""
        super().check_permissions(request)
        if request.method == "POST":
            self.visit = visible_visit_row_or_404(request.user, self.kwargs["pk"])
            policies.require_checklist_writer(request.user, self.visit)

    @extend_schema(responses=PhotoOutputSerializer(many=True))
    def get(self, request, pk: int):
        visit = visible_visit_row_or_404(request.user, pk)
        photos = visit.photos.order_by("uploaded_at", "id")
        return Response(PhotoOutputSerializer(photos, many=True).data)

    @extend_schema(
        request={"multipart/form-data": PhotoInputSerializer},
        responses={201: PhotoOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk: int):
        """Uploads photo evidence for the visit or one of its checklist items."""
        visit = self.visit  # found and its writer checked in check_permissions
        serializer = PhotoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = _item(visit, data["item"]) if data["item"] is not None else None
        photo = services.photo_add(
            visit=visit,
            by=request.user,
            upload=data["file"],
            item=item,
            captured_at=self.device_clock.correct(data["captured_at"]),
            **photo_limits(),
        )
        return Response(
            PhotoOutputSerializer(photo).data, status=status.HTTP_201_CREATED
        )


class PhotoFileApi(FileDownloadApi):
    """The stored image or its thumbnail, for whoever may see the visit."""

    variant = "image"

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        photo = get_object_or_404(selectors.photos_visible_to(request.user), pk=pk)
        field = photo.image if self.variant == "image" else photo.thumbnail
        # Never stored by the browser: Cache-Control no-store, as every API
        # answer (fieldservice.security).
        return FileResponse(field.open("rb"), content_type="image/jpeg")
