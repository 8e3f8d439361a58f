"""nginx running deploy/nginx.conf, the production proxy, for tests and benches:
its ports, upstream and certificate replaced, in a folder of its own (pid,
logs, temporary bodies), in the foreground as a child process."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

from tests.processes import Process, free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def site_config(
    upstream_port: int,
    https_port: int,
    http_port: int,
    certificate: Path,
    key: Path,
    *,
    source: str | None = None,
) -> str:
    """deploy/nginx.conf (or `source`) with only its addresses and certificate
    paths changed; each replaced text must occur exactly once, so the file
    cannot drift away from what is tested."""
    text = CONFIG.read_text() if source is None else source
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/ssl/fieldservice/fullchain.pem", str(certificate)),
        ("/etc/ssl/fieldservice/privkey.pem", str(key)),
    ]:
        assert text.count(old) == 1, f"{old!r} is not once in {CONFIG}"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: str) -> str:
    """A whole nginx.conf around the site, as Debian's includes conf.d/ inside
    `http`, with every path nginx writes inside `folder`."""
    temp = folder / "temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site)
    # Started by root (CI), nginx's workers would run as nobody, who may not
    # enter the test's private temporary folder to keep large bodies there.
    user = "user root root;" if os.geteuid() == 0 else ""
    return f"""
{user}
daemon off;
master_process on;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""


class Nginx(Process):
    """nginx with deploy/nginx.conf in front of the app on `upstream_port`."""

    def __init__(self, folder: Path, upstream_port: int, *, source: str | None = None):
        assert NGINX, "nginx is not installed"
        folder.mkdir(parents=True, exist_ok=True)
        self.https_port = free_port()
        self.http_port = free_port()
        certificate, key = self_signed_certificate(folder)
        site = site_config(
            upstream_port,
            self.https_port,
            self.http_port,
            certificate,
            key,
            source=source,
        )
        self.config = folder / "nginx.conf"
        self.config.write_text(main_config(folder, site))
        self.folder = folder
        super().__init__(
            f"nginx-{self.https_port}",
            folder,
            [NGINX, "-p", str(folder), "-c", str(self.config), "-e", "stderr"],
            {},
        )

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def test_config(self) -> subprocess.CompletedProcess:
        """`nginx -t` on the generated configuration."""
        return subprocess.run(
            [*self.command[:1], "-t", *self.command[1:]],
            capture_output=True,
            text=True,
        )

    def start(self):
        super().start()

        def listening() -> bool:
            assert self.is_running(), f"nginx stopped:\n{self.log()}"
            try:
                socket.create_connection(("127.0.0.1", self.https_port), 5).close()
            except OSError:
                return False
            return True

        self.stop_unless(lambda: wait_for(listening, 30, "nginx to start"))
        return self
