"""Who the client is, and throttles that tell clients apart by it.

A client is known by the address our own proxies report, never by what the
client writes into X-Forwarded-For: each trusted proxy appends the address it was
reached from, so with TRUSTED_PROXY_COUNT proxies the client is that many places
from the right; anything further left was written by the client.
"""

import ipaddress
import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's address as the trusted proxies report it (TRUSTED_PROXY_COUNT),
    or the connection's own address without proxies. A header with fewer
    addresses than proxies, or an unreadable one, did not come through all of
    them: the connection's address is used then. Used by the API's throttles
    and by axes (AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle, keyed on `client_address`, and open when the cache
    is down: a sign-in must still answer without Redis. Lockout (axes) keeps its
    count in the database and still holds then."""

    def get_ident(self, request) -> str:
        return client_address(request)

    def get_cache_key(self, request, view) -> str:
        # Always the client's address, also for a signed-in caller (DRF would
        # key those on the user): guessing is counted where it comes from.
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            logger.warning(
                "Throttle %s not applied: the cache is unreachable",
                getattr(view, "throttle_scope", "?"),
                exc_info=True,
            )
            return True
