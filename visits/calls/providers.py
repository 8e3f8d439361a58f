"""Call providers. `console` (the default) logs what would be said; `twilio`
places real voice calls whose keypad answers come back to our webhooks.

A provider raises TransientCallError for what may work on a later try
(timeouts, 5xx, 429) and PermanentCallError for what will not (a bad number).
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class TransientCallError(Exception):
    pass


class PermanentCallError(Exception):
    pass


@dataclass(frozen=True)
class OutgoingCall:
    call_id: int
    to_phone: str
    language: str
    opening_text: str


class ConsoleProvider:
    """Logs the call instead of placing it: for trying the app and for tests."""

    name = "console"

    def place(self, call: OutgoingCall) -> str:
        logger.info(
            "call %s to %s (%s): %s",
            call.call_id,
            call.to_phone,
            call.language,
            call.opening_text,
        )
        return f"console-{uuid.uuid4().hex}"


def twilio_http():
    """The HTTP boundary of the Twilio client, with our timeout."""
    from twilio.http.http_client import TwilioHttpClient

    return TwilioHttpClient(timeout=settings.CALL_HTTP_TIMEOUT_SECONDS)


class TwilioProvider:
    """Places a call with Twilio's REST API; Twilio then fetches the spoken
    menu from our voice webhook and reports keys and status to the others."""

    name = "twilio"

    def __init__(self):
        from twilio.rest import Client

        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=twilio_http(),
        )

    def place(self, call: OutgoingCall) -> str:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        site = settings.SITE_URL
        try:
            created = self.client.calls.create(
                to=call.to_phone,
                from_=settings.TWILIO_FROM_NUMBER,
                url=site + reverse("twilio-voice", args=[call.call_id]),
                method="POST",
                status_callback=site + reverse("twilio-status", args=[call.call_id]),
                status_callback_method="POST",
                status_callback_event=["initiated", "ringing", "answered", "completed"],
                timeout=30,
            )
        except TwilioRestException as error:
            if error.status >= 500 or error.status == 429:
                raise TransientCallError(
                    f"Twilio {error.status}: {error.msg}"
                ) from error
            raise PermanentCallError(f"Twilio {error.status}: {error.msg}") from error
        except (RequestException, TwilioException, OSError) as error:
            raise TransientCallError(f"Twilio unreachable: {error}") from error
        return created.sid


PROVIDERS = {"console": ConsoleProvider, "twilio": TwilioProvider}


def get_provider():
    """The configured provider: a name from PROVIDERS or a dotted class path."""
    name = settings.CALL_PROVIDER
    provider_class = PROVIDERS.get(name) or import_string(name)
    return provider_class()
