"""The answer to a sign-in while its account or address is locked out (axes)."""

from django.conf import settings
from django.contrib import admin
from django.core import checks
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fieldservice.errors import ApplicationError, refusal_response


class LockedOut(ApplicationError):
    # 429, as the login throttle answers: the client may try again later
    # (Retry-After), and nothing is wrong with who it is.
    status_code = 429
    code = "locked_out"
    default_detail = _(
        "Too many failed sign-ins: signing in is locked for %(minutes)d minutes."
    )

    def __init__(self):
        super().__init__(self.default_detail % {"minutes": cool_off_minutes()})


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the API's refusal shape under /api/, the admin's
    sign-in page with the message elsewhere (the admin and the console)."""
    error = LockedOut()
    if request.path.startswith("/api/"):
        response = refusal_response(error)
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {**admin.site.each_context(request), "error": error},
            status=error.status_code,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def check_proxy_count(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Behind a proxy with TRUSTED_PROXY_COUNT 0, every client has the proxy's
    address: one guesser would lock everyone out of signing in (per address)."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            checks.Warning(
                "DJANGO_BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every "
                "client is seen with the proxy's address, so one client's failed "
                "sign-ins lock all of them out.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front "
                "of the app (1 for one TLS proxy).",
                id="accounts.W001",
            )
        ]
    return []
