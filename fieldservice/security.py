"""Response headers that limit what a page may load, ask for and leave behind.

The Content-Security-Policy is django-csp's (`csp.middleware.CSPMiddleware`,
settings.CONTENT_SECURITY_POLICY): every answer, every HTML page included,
carries the strict policy — scripts, styles, connections and workers from this
site only, no inline script or style, no plugins, no framing. The phone app,
the console, the signing pages, the error pages and the Django admin are
built for it as they are. The API docs relax only what their libraries need,
on their own views (`DOCS_POLICY`), never `unsafe-inline` for scripts.

This middleware adds the rest:

- Permissions-Policy on every answer: the phone app's pages (/app/) may use
  the camera (the technician takes photos); no page may use any other device
  feature, and no other page the camera.
- `Cache-Control: no-store` on every answer that may carry personal data: the
  whole REST API under /api/v1/ (refusals too: one rule, no list to forget a
  view on), the signing pages (/sign/) and the verify page (/verify/). Nothing
  of a visit, a customer or a photo is kept by the browser or a proxy; the
  console's board revalidates with its own If-None-Match. `Pragma` is not
  sent: it is a request header of HTTP/1.0, which no cache of today reads on
  an answer that has Cache-Control. The admin's views are `never_cache`
  already.
"""

from collections.abc import Callable

from csp.constants import NONCE
from django.http import HttpRequest, HttpResponse

DEVICES_DENIED = [
    "microphone=()",
    "geolocation=()",
    "payment=()",
    "usb=()",
    "bluetooth=()",
    "serial=()",
    "hid=()",
]
PERMISSIONS_POLICY = ", ".join(["camera=()", *DEVICES_DENIED])
PHONE_APP_PERMISSIONS_POLICY = ", ".join(["camera=(self)", *DEVICES_DENIED])
PHONE_APP_PREFIX = "/app/"

# Answers that may carry personal data: never stored by a browser or a proxy.
NO_STORE_PREFIXES = ("/api/v1/", "/sign/", "/verify/")

# What the API docs' libraries need beyond the strict policy (csp_update on
# their views in fieldservice.urls), found by opening them in Chromium
# (tests/browser/test_admin_and_docs_csp.py fails on any violation). The admin
# needs nothing more. Swagger UI's icons are data: SVG images. ReDoc:
# - styled-components writes its rules into <style> elements, allowed by the
#   request's nonce (handed to ReDoc by fieldservice/static/api/redoc.js);
# - the bundle writes perfect-scrollbar's CSS into a <style> element as it
#   loads, before any nonce can reach it: that element is allowed by the hash
#   of its text (and of the empty element it starts as). A new ReDoc in
#   drf-spectacular-sidecar may change the text: the browser test then names
#   the new hash;
# - its menu shows Redocly's logo from cdn.redoc.ly (an image, nothing else
#   from there); its search runs in a worker made from a blob.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty element
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar
]
SWAGGER_POLICY = {"img-src": ["data:"]}
REDOC_POLICY = {
    "img-src": ["data:", "https://cdn.redoc.ly"],
    "style-src": [NONCE, *REDOC_STYLE_HASHES],
    "worker-src": ["blob:"],
}


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy",
            PHONE_APP_PERMISSIONS_POLICY
            if request.path.startswith(PHONE_APP_PREFIX)
            else PERMISSIONS_POLICY,
        )
        if request.path.startswith(
            NO_STORE_PREFIXES
        ) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response
