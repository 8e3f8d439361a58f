"""Twilio's callbacks: the spoken menu (TwiML), keypad answers and call status.

Every request must carry a valid X-Twilio-Signature for the URL Twilio called
(SITE_URL + path) or it is refused with 403. Each callback is recorded once
per call (CallWebhook: the call of the URL and the event's key); a replay for
the same call gets the first answer again and changes nothing, and a callback
for another call is never mistaken for it, even one without a CallSid.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

from accounts.models import CompanySettings
from fieldservice.i18n import is_chinese
from visits.calls import scripts, services
from visits.calls.models import Call, CallWebhook
from visits.calls.rules import CallPurpose

logger = logging.getLogger(__name__)

SAY_LANGUAGE = {"zh": "zh-CN", "en": "en-US"}
GATHER_SECONDS = 8


def _signature_is_valid(request: HttpRequest) -> bool:
    if not settings.TWILIO_AUTH_TOKEN:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    url = f"{settings.SITE_URL}{request.get_full_path()}"
    return validator.validate(
        url, request.POST.dict(), request.headers.get("X-Twilio-Signature", "")
    )


def _twiml(response: VoiceResponse | str) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml")


def _say_language(call: Call) -> str:
    return SAY_LANGUAGE["zh" if is_chinese(call.language) else "en"]


def _menu(call: Call, step: str, attempt: int, *, prefix: str = "") -> VoiceResponse:
    """Asks `step`'s question; no answer comes back to the gather URL empty."""
    company = CompanySettings.load().company_name
    if step == "confirm":
        menu = scripts.reminder(
            company=company,
            appointed=call.visit.appointed_start,
            kind=call.visit.work_order.kind,
            language=call.language,
            tz=services.customer_zone(call.visit),
        )
    elif step == "rating":
        menu = scripts.rating_question(company=company, language=call.language)
    else:
        menu = scripts.problem_question(language=call.language)
    action = settings.SITE_URL + reverse("twilio-gather", args=[call.id, step, attempt])
    response = VoiceResponse()
    gather = Gather(
        num_digits=1,
        action=action,
        method="POST",
        timeout=GATHER_SECONDS,
        action_on_empty_result=True,
    )
    gather.say(
        scripts.say(prefix, menu.text, language=call.language),
        language=_say_language(call),
    )
    response.append(gather)
    return response


def _notice(call: Call) -> VoiceResponse:
    """A booking notice is spoken once; there is nothing to answer."""
    response = VoiceResponse()
    response.say(services.notice_text(call), language=_say_language(call))
    response.hangup()
    return response


def _goodbye(call: Call, outcome: str, *, prefix: str = "") -> VoiceResponse:
    hotline = CompanySettings.load().customer_service_hotline
    response = VoiceResponse()
    goodbye = scripts.goodbye(hotline=hotline, language=call.language, outcome=outcome)
    response.say(
        scripts.say(prefix, goodbye, language=call.language),
        language=_say_language(call),
    )
    response.hangup()
    return response


def _once(
    call: Call, event_key: str, kind: str, payload: dict, respond
) -> HttpResponse:
    """Runs `respond()` for the first delivery of an event; a replay gets the
    stored answer."""
    try:
        with transaction.atomic():
            hook = CallWebhook.objects.create(
                call=call, event_key=event_key, kind=kind, payload={"request": payload}
            )
            body = str(respond())
            hook.payload = {"request": payload, "response": body}
            hook.save(update_fields=["payload"])
    except IntegrityError:
        hook = CallWebhook.objects.get(call=call, event_key=event_key)
        body = hook.payload.get("response", "")
        logger.info(
            "replayed %s webhook %s of call %s: no second effect",
            kind,
            event_key,
            call.pk,
        )
    return HttpResponse(body, content_type="text/xml")


def _verified_call(request: HttpRequest, call_id: int) -> Call | HttpResponse:
    if not _signature_is_valid(request):
        logger.warning(
            "refused a call webhook with a missing or wrong signature: %s", request.path
        )
        return HttpResponseForbidden("invalid signature")
    return get_object_or_404(
        Call.objects.select_related("visit__work_order__customer"), pk=call_id
    )


@csrf_exempt
@require_POST
def voice(request: HttpRequest, call_id: int) -> HttpResponse:
    """Twilio asks what to say when the customer answers."""
    call = _verified_call(request, call_id)
    if isinstance(call, HttpResponse):
        return call
    sid = request.POST.get("CallSid", "")
    if call.purpose == CallPurpose.BOOKING_NOTICE:
        return _once(
            call, f"{sid}:voice", "voice", request.POST.dict(), lambda: _notice(call)
        )
    step = "rating" if call.purpose == CallPurpose.FOLLOW_UP else "confirm"
    return _once(
        call, f"{sid}:voice", "voice", request.POST.dict(), lambda: _menu(call, step, 1)
    )


@csrf_exempt
@require_POST
def gather(request: HttpRequest, call_id: int, step: str, attempt: int) -> HttpResponse:
    """The customer pressed a key (or nothing): record it and say what is next."""
    call = _verified_call(request, call_id)
    if isinstance(call, HttpResponse):
        return call
    if step not in ("confirm", "rating", "problem"):
        return HttpResponse(status=404)
    digits = request.POST.get("Digits", "")
    sid = request.POST.get("CallSid", "")

    def respond():
        action, value = services.call_record_keys(
            call=call, step=step, digits=digits, attempt=attempt
        )
        if action == "ask" and value == step:  # not one of the choices: ask again
            return _menu(
                call,
                step,
                attempt + 1,
                prefix=scripts.not_understood(language=call.language),
            )
        if action == "ask":
            return _menu(call, value, 1)
        prefix = (
            scripts.not_understood(language=call.language)
            if value == "no_valid_input"
            else ""
        )
        return _goodbye(call, value, prefix=prefix)

    return _once(
        call, f"{sid}:gather:{step}:{attempt}", "gather", request.POST.dict(), respond
    )


@csrf_exempt
@require_POST
def status(request: HttpRequest, call_id: int) -> HttpResponse:
    """Twilio reports the call's progress (ringing, answered, completed, busy …)."""
    call = _verified_call(request, call_id)
    if isinstance(call, HttpResponse):
        return call
    sid = request.POST.get("CallSid", "")
    call_status = request.POST.get("CallStatus", "")
    sequence = request.POST.get("SequenceNumber", "")

    def respond():
        services.call_record_status(call=call, status=call_status, provider_call_id=sid)
        return VoiceResponse()

    return _once(
        call,
        f"{sid}:status:{call_status}:{sequence}",
        "status",
        request.POST.dict(),
        respond,
    )
