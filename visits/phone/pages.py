"""The landing page and the phone app's shell, manifest and service worker."""

import functools
import hashlib
import json
import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Third-party and shared modules the app imports, besides everything under phone/.
SHARED_FILES = [
    "vendor/idb-8.0.4/index.js",
    "vendor/qrcode-generator-2.0.4/qrcode.mjs",
    "vendor/signature_pad-5.1.4/signature_pad.min.js",
    "shared/signature.js",
    "shared/signing-form.js",
    "shared/signing.css",
]
THEME_COLOUR = "#0b5cad"
# The module the shell page runs; what it imports statically is preloaded.
ENTRY_MODULE = "phone/main.js"
# `import … from "./x.js";`, `export … from "./x.js";`, `import "./x.js";` —
# not `import("./x.js")`, which loads a screen when it is first opened.
STATIC_IMPORT = re.compile(
    r"""^\s*(?:(?:import|export)\s[^;]*?\sfrom\s*|import\s*)["'](\.{1,2}/[^"']+)["']\s*;""",
    re.MULTILINE,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role to its pages: a technician to the app, a dispatcher or an
    administrator to the console, a customer to a page that says where to go;
    anyone not signed in to the app, which signs them in."""
    user = request.user
    if not user.is_authenticated or user.is_technician:
        return HttpResponseRedirect(reverse("phone-app"))
    if user.is_dispatcher:
        return HttpResponseRedirect(reverse("console-board"))
    return render(
        request,
        "phone/customer.html",
        {"hotline": settings.CUSTOMER_SERVICE_HOTLINE},
    )


def shell_files() -> list[str]:
    """The static files the app needs to open offline, as staticfiles names."""
    own = sorted(
        path.relative_to(STATIC_DIR).as_posix()
        for path in (STATIC_DIR / "phone").rglob("*")
        if path.is_file()
    )
    return own + [name for name in SHARED_FILES if finders.find(name)]


def _startup_modules() -> list[str]:
    """The modules the app needs before it shows Today: the entry module and
    everything it imports statically, as staticfiles names, in the order
    found. The shell page preloads them (modulepreload), so the browser asks
    for them all at once instead of one import level per round trip."""
    known = set(shell_files())
    found = [ENTRY_MODULE]
    for name in found:  # grows while it is walked: breadth first
        source = Path(finders.find(name)).read_text(encoding="utf-8")
        for target in STATIC_IMPORT.findall(source):
            imported = posixpath.normpath(
                posixpath.join(posixpath.dirname(name), target)
            )
            if imported in known and imported not in found:
                found.append(imported)
    return found


def _shell_version() -> str:
    """Changes whenever a shell file, the shell page or the worker changes, so a
    deploy makes phones fetch the new shell (the worker's bytes change)."""
    digest = hashlib.sha256()
    for name in shell_files():
        digest.update(name.encode())
        digest.update(Path(finders.find(name)).read_bytes())
    for template in ("phone/app.html", "phone/sw.js"):
        digest.update(Path(get_template(template).origin.name).read_bytes())
    # Settings the shell page carries to the app.
    digest.update(str(settings.PHOTO_UPLOAD_MAX_SIDE_PIXELS).encode())
    return digest.hexdigest()[:16]


@functools.cache
def _cached_shell_version() -> str:
    return _shell_version()


def shell_version() -> str:
    # Files only change with a deploy (a new process), except in development.
    return _shell_version() if settings.DEBUG else _cached_shell_version()


@functools.cache
def _cached_startup_modules() -> list[str]:
    return _startup_modules()


def startup_modules() -> list[str]:
    return _startup_modules() if settings.DEBUG else _cached_startup_modules()


@require_GET
@ensure_csrf_cookie
def app_shell(request: HttpRequest) -> HttpResponse:
    """The same page for everyone (the worker caches it): who is signed in is
    asked from the API by the app."""
    response = render(
        request,
        "phone/app.html",
        {
            "version": shell_version(),
            "theme_colour": THEME_COLOUR,
            "photo_max_side": settings.PHOTO_UPLOAD_MAX_SIDE_PIXELS,
            "entry_module": static(ENTRY_MODULE),
            "preloaded_modules": [static(name) for name in startup_modules()[1:]],
            "signing_css": static("shared/signing.css")
            if finders.find("shared/signing.css")
            else "",
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    body = {
        "name": _("Field service — technician"),
        "short_name": _("Field service"),
        "start_url": reverse("phone-app"),
        "scope": reverse("phone-app"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"phone/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": static("phone/icons/icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /app/ so that its scope is /app/. `no-cache`: the browser
    asks every time, so a deploy reaches phones on their next start."""
    shell = [reverse("phone-app"), *(static(name) for name in shell_files())]
    script = render_to_string(
        "phone/sw.js",
        {
            "version": shell_version(),
            "shell": json.dumps(shell),
            "api_prefix": json.dumps("/api/v1/"),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("phone-app")
    return response
