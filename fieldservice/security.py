"""Response headers that limit what a page may load and ask for.

Every HTML page of ours outside the admin and the API browsers gets a strict
Content-Security-Policy: scripts, styles, connections and workers from this
site only, no inline script or style, no plugins, no framing. The phone app,
the signing pages and the error pages are built for it (plain ES modules and
CSS files; data reaches scripts through `data-*` attributes and JSON blocks),
and the browser tests fail on any violation. The Django admin and the
Swagger/ReDoc pages are left out until they are made to hold it too.

Every response says which device features a page may use: the camera (the
phone app takes photos), nothing else."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Photo previews on the phone are blob: URLs of the queued photo.
        "img-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "bluetooth=()",
        "serial=()",
        "hid=()",
    ]
)
# Pages of third-party apps that still carry inline scripts or styles.
NOT_YET_STRICT = ("/admin/", "/api/docs/", "/api/redoc/")


def _is_page(request: HttpRequest, response: HttpResponse) -> bool:
    """An HTML page, or the phone app's service worker (its policy governs it)."""
    content_type = response.get("Content-Type", "")
    return content_type.startswith("text/html") or request.path.endswith("/sw.js")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _is_page(request, response) and not request.path.startswith(NOT_YET_STRICT):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
