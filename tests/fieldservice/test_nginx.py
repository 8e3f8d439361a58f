"""Slow phones must not hold workers: deploy/nginx.conf in front of gunicorn
with ONE sync worker. A phone trickling a photo upload waits in nginx; another
request is answered meanwhile, and the upload then succeeds. Without nginx's
request buffering the one worker would read the slow body itself and every
other request would wait for it (bench/slow_clients_bench.py measures both)."""

import contextlib
import io
import json
import socket
import ssl
import threading
import warnings
from datetime import UTC, datetime

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from PIL import Image
from rest_framework.authtoken.models import Token

from tests.factories import TechnicianFactory
from tests.nginx import CONFIG, NGINX, Nginx
from tests.processes import Process, WebServer, app_environment, wait_for
from tests.visits.checklists.checklist_helpers import book
from visits.lifecycle import services
from visits.models import Photo

pytestmark = [
    pytest.mark.skipif(
        NGINX is None,
        reason="nginx is not installed (apt-get install nginx; .ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
]

# How long the slow phone waits, with part of its photo still unsent, for the
# other request to be answered. It bounds only the failing case (a worker held
# by the slow body answers nothing until the body is complete); a passing run
# goes on as soon as the answer is there.
HOLD_SECONDS = 60


def database_url() -> str:
    """This run's test database, for the gunicorn process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def token_of(user) -> str:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=datetime(2100, 1, 1, tzinfo=UTC))
    return token.key


def photo_body(boundary: str) -> bytes:
    """A multipart photo upload as the phone app sends it: a noisy JPEG."""
    image = Image.effect_noise((400, 300), 80).convert("RGB")
    stream = io.BytesIO()
    image.save(stream, "JPEG", quality=90)
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + stream.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )


class ProxiedWebServer(WebServer):
    """Ready when it answers /healthz, which its HTTPS redirect spares."""

    def start(self):
        Process.start(self)

        def answers() -> bool:
            assert self.is_running(), f"gunicorn stopped:\n{self.log()}"
            try:
                requests.get(f"{self.url}/healthz", timeout=10, allow_redirects=False)
            except requests.ConnectionError:
                return False
            return True

        self.stop_unless(lambda: wait_for(answers, 60, "gunicorn to answer"))
        return self


@pytest.fixture
def app_server(tmp_path):
    """The app under gunicorn, ONE sync worker, with the production settings and
    the README's proxy variables (HTTPS redirect on: only a request nginx says
    came over HTTPS is served)."""
    (tmp_path / "gunicorn").mkdir()
    server = ProxiedWebServer(
        tmp_path / "gunicorn",
        app_environment(
            DJANGO_SETTINGS_MODULE="fieldservice.settings.base",
            DATABASE_URL=database_url(),
            MEDIA_ROOT=str(tmp_path / "media"),
            DJANGO_SECURE_SSL_REDIRECT="1",
            DJANGO_BEHIND_TLS_PROXY="1",
            TRUSTED_PROXY_COUNT="1",
        ),
        workers=1,
    )
    yield server.start()
    server.stop()


@pytest.fixture
def proxy(tmp_path, app_server):
    """nginx with the checked-in config; stopped whatever happens after it was
    started (a failed start stops it too, in Process.stop_unless)."""
    proxy = Nginx(tmp_path / "nginx", app_server.port)
    checked = proxy.test_config()
    assert checked.returncode == 0, checked.stderr
    try:
        yield proxy.start()
    finally:
        proxy.stop()


@pytest.fixture
def technician_in_work():
    technician = TechnicianFactory()
    visit = book(technician, minutes_ahead=1)
    services.visit_start_travel(visit=visit, by=technician)
    services.visit_arrive(visit=visit, by=technician)
    services.visit_start_work(visit=visit, by=technician)
    return visit, token_of(technician)


def test_the_checked_in_config_passes_nginx_t(tmp_path):
    proxy = Nginx(tmp_path / "nginx", 8000)
    checked = proxy.test_config()
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
    assert "test is successful" in checked.stderr


def test_a_slow_upload_waits_in_nginx_while_the_one_worker_answers_others(
    proxy, technician_in_work
):
    visit, key = technician_in_work
    boundary = "fieldservice-slow-phone"
    body = photo_body(boundary)
    half = len(body) // 2
    events: list[str] = []
    fast_answered = threading.Event()
    answers: dict[str, object] = {}

    def slow_phone():
        with phone_connection(proxy) as phone:
            phone.sendall(
                (
                    f"POST /api/v1/visits/{visit.pk}/photos/ HTTP/1.1\r\n"
                    "Host: 127.0.0.1\r\n"
                    f"Authorization: Token {key}\r\n"
                    "Accept-Language: en\r\n"
                    f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                    f"Content-Length: {len(body)}\r\n"
                    "Connection: close\r\n\r\n"
                ).encode()
            )
            # Half the photo, in small pieces as a weak connection sends them.
            for start in range(0, half, 4096):
                phone.sendall(body[start : min(start + 4096, half)])
            events.append("slow: half sent")
            fast_may_go.set()
            fast_answered.wait(HOLD_SECONDS)
            events.append("slow: rest sent")
            phone.sendall(body[half:])
            response = b""
            while chunk := phone.recv(65536):
                response += chunk
            answers["slow"] = response

    fast_may_go = threading.Event()
    phone = threading.Thread(target=slow_phone)
    phone.start()
    try:
        assert fast_may_go.wait(120), "the slow phone could not start sending"
        with warnings.catch_warnings():
            # The test's own self-signed certificate.
            warnings.simplefilter("ignore")
            fast = requests.get(
                f"{proxy.url}/api/v1/me/",
                headers={"Authorization": f"Token {key}"},
                verify=False,
                timeout=300,
            )
        events.append("fast: answered")
        fast_answered.set()
    finally:
        fast_answered.set()
        phone.join(300)

    # The other request was answered while the phone still had half its photo
    # to send ...
    assert fast.status_code == 200, fast.text
    assert events == ["slow: half sent", "fast: answered", "slow: rest sent"]
    # ... and the photo was then taken whole.
    head = answers["slow"].split(b"\r\n", 1)[0]  # type: ignore[union-attr]
    assert head == b"HTTP/1.1 201 Created", answers["slow"]
    assert Photo.objects.filter(visit=visit).count() == 1


def config_value(name: str) -> str:
    (line,) = [
        line.strip()
        for line in CONFIG.read_text().splitlines()
        if line.strip().startswith(f"{name} ")
    ]
    return line.removeprefix(f"{name} ").removesuffix(";")


def photo_limit() -> int:
    return settings.PHOTO_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_takes_exactly_the_largest_body_the_app_takes():
    assert int(config_value("client_max_body_size")) == photo_limit()
    megabytes = f"{photo_limit() / 1_048_576:.3g}"
    text = CONFIG.read_text()
    assert f'"max_bytes":{photo_limit()}' in text
    assert f"The upload is larger than {megabytes} MB." in text
    assert f"上传的内容超过 {megabytes} MB。" in text


def phone_connection(proxy):
    """A raw HTTPS connection to the proxy, as a phone opens it (the test's
    own self-signed certificate accepted)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", proxy.https_port), timeout=300)
    return context.wrap_socket(raw)


def send_photo_upload(proxy, visit, key, declared: int, body: bytes, language="en"):
    """A photo upload declaring `declared` bytes and sending `body`; the
    answer's status and body."""
    with phone_connection(proxy) as phone:
        phone.sendall(
            (
                f"POST /api/v1/visits/{visit.pk}/photos/ HTTP/1.1\r\n"
                f"Host: 127.0.0.1\r\nAuthorization: Token {key}\r\n"
                f"Accept-Language: {language}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {declared}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        # Refused, nginx may close before the body is taken.
        with contextlib.suppress(OSError):
            phone.sendall(body)
        response = b""
        while chunk := phone.recv(65536):
            response += chunk
    head, _, content = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("en", "The upload is larger than 17.5 MB."),
        ("zh-hans", "上传的内容超过 17.5 MB。"),
    ],
)
def test_a_body_over_the_limit_is_refused_by_nginx_in_the_apps_error_shape(
    proxy, technician_in_work, language, detail
):
    visit, key = technician_in_work

    status, content = send_photo_upload(
        proxy, visit, key, photo_limit() + 1, b"", language
    )

    assert status == 413
    assert json.loads(content) == {
        "code": "request_too_large",
        "detail": detail,
        "max_bytes": photo_limit(),
    }
    assert not Photo.objects.exists()


def test_a_body_of_exactly_the_limit_reaches_the_app(proxy, technician_in_work):
    visit, key = technician_in_work
    head = (
        b'--b\r\nContent-Disposition: form-data; name="file"; '
        b'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    )
    tail = b"\r\n--b--\r\n"
    body = head + b"x" * (photo_limit() - len(head) - len(tail)) + tail
    assert len(body) == photo_limit()

    status, content = send_photo_upload(proxy, visit, key, len(body), body)

    # Taken by nginx and passed on whole: the app reads it and finds no image.
    assert status == 400, content
    assert json.loads(content)["code"] != "request_too_large"
    assert not Photo.objects.exists()


def test_the_app_serves_what_nginx_says_came_over_https(proxy, app_server):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        through_nginx = requests.get(
            f"{proxy.url}/api/v1/", verify=False, allow_redirects=False, timeout=60
        )
    # Straight to gunicorn, with nothing saying HTTPS: sent there.
    direct = requests.get(
        f"{app_server.url}/api/v1/", allow_redirects=False, timeout=60
    )
    plain = requests.get(
        f"http://127.0.0.1:{proxy.http_port}/api/v1/",
        allow_redirects=False,
        timeout=60,
    )

    assert through_nginx.status_code == 200
    assert direct.status_code == 301
    assert direct.headers["Location"] == f"https://127.0.0.1:{app_server.port}/api/v1/"
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://127.0.0.1/api/v1/"


def test_the_app_sees_the_phones_address_not_one_it_claims(proxy):
    TechnicianFactory(username="zhang")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    body = json.dumps({"username": "zhang", "password": "wrong"}).encode()
    # The phone connects from 127.0.0.2 (nginx reaches gunicorn from 127.0.0.1)
    # and claims another address in X-Forwarded-For.
    raw = socket.create_connection(
        ("127.0.0.1", proxy.https_port), timeout=60, source_address=("127.0.0.2", 0)
    )
    with context.wrap_socket(raw) as phone:
        phone.sendall(
            (
                "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "X-Forwarded-For: 203.0.113.9\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )
        response = b""
        while chunk := phone.recv(65536):
            response += chunk

    assert response.startswith(b"HTTP/1.1 400"), response
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "127.0.0.2"
