"""Twilio's HTTP boundary, faked: the real `twilio` client builds and sends its
requests through this instead of the network."""

import json

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-auth-token"
ACCOUNT_SID = "AC" + "0" * 32


class FakeTwilioHttp(HttpClient):
    """Answers each request with the next queued reply (status, body) or raises
    the next queued exception; records every request."""

    def __init__(self, *replies):
        super().__init__(logger=None, is_async=False)
        self.replies = list(replies)
        self.requests = []

    def request(
        self,
        method,
        uri,
        params=None,
        data=None,
        headers=None,
        auth=None,
        timeout=None,
        allow_redirects=False,
    ):
        self.requests.append(
            {"method": method, "uri": uri, "data": dict(data or {}), "timeout": timeout}
        )
        reply = self.replies.pop(0)
        if callable(reply):  # something happens while the request is out
            reply = reply()
        if isinstance(reply, Exception):
            raise reply
        status, body = reply
        return Response(status, json.dumps(body))


def created(sid: str = "CA" + "1" * 32) -> tuple[int, dict]:
    return 201, {"sid": sid, "status": "queued", "account_sid": ACCOUNT_SID}


def failed(status: int, message: str = "error", code: int = 20500) -> tuple[int, dict]:
    return status, {"status": status, "message": message, "code": code}


def signed_post(
    django_client,
    path: str,
    data: dict,
    *,
    token: str = AUTH_TOKEN,
    site: str = "https://fs.example.com",
):
    """POSTs a webhook as Twilio does, signed for SITE_URL + path."""
    signature = RequestValidator(token).compute_signature(f"{site}{path}", data)
    return django_client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)
