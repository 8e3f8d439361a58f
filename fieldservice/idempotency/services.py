"""Safe retries for writes: the Idempotency-Key header.

A write sent with `Idempotency-Key: <key>` runs in one transaction together
with the record of its answer. Sending the same key again returns that first
answer (with `Idempotent-Replayed: true`) and changes nothing; the same key with
a different request is refused with 422. Only successful (2xx) answers are
kept: a refused request wrote nothing, so sending it again is already safe.

Two requests with the same key at the same moment: each first claims the key
by inserting its record; the second insert waits on the unique index until the
first transaction ends, then fails, and the second request answers with the
first one's record without running at all.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from fieldservice.errors import ApplicationError
from fieldservice.idempotency.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("ETag", "Location")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request."
    )


class IdempotencyKeyInvalid(ApplicationError):
    code = "idempotency_key_invalid"
    default_detail = _(
        "The Idempotency-Key header must be 1 to 255 visible ASCII characters."
    )


def _canonical(value):
    """JSON-able form of request data; uploaded files count by their content."""
    if hasattr(value, "read") and hasattr(value, "seek"):
        value.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: value.read(1 << 16), b""):
            digest.update(chunk)
        value.seek(0)
        return {"file_sha256": digest.hexdigest()}
    if hasattr(value, "getlist"):  # QueryDict: keep repeated fields
        return {key: [_canonical(item) for item in value.getlist(key)] for key in value}
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def fingerprint(method: str, path: str, data) -> str:
    payload = json.dumps(
        [method.upper(), path, _canonical(data)], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def check_key(key: str) -> str:
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise IdempotencyKeyInvalid()
    return key


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: object
    headers: dict
    is_replay: bool


def _replay(record: IdempotencyRecord, request_fingerprint: str) -> Outcome:
    if record.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused()
    return Outcome(record.status_code, record.body, dict(record.headers), True)


def run_once(
    *, user, key: str, request_fingerprint: str, call: Callable[[], Outcome]
) -> Outcome:
    """Runs `call` at most once per (user, key); see the module docstring.

    No look-up first: almost every key is new, and a key already taken fails
    the claim's unique index, which leads to the replay below."""
    try:
        with transaction.atomic():
            # Claim the key first: a concurrent request with the same key waits
            # here on the unique index until this transaction ends.
            claim = IdempotencyRecord.objects.create(
                user=user,
                key=key,
                fingerprint=request_fingerprint,
                status_code=0,
                body=None,
            )
            outcome = call()
            if 200 <= outcome.status_code < 300:
                claim.status_code = outcome.status_code
                claim.body = outcome.body
                claim.headers = outcome.headers
                claim.save(update_fields=["status_code", "body", "headers"])
            else:
                # A refusal wrote nothing; dropping the claim frees the key.
                transaction.set_rollback(True)
            return outcome
    except IntegrityError:
        # The key was taken: earlier (a resend), or by a concurrent request that
        # committed first; ours is undone.
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, request_fingerprint)
