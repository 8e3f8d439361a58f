"""`make run` as a new user types it: the links it serves point at its port."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*arguments: str, **environment: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    if (ROOT / ".env").exists() and "SITE_URL=" in (ROOT / ".env").read_text():
        pytest.skip(".env sets SITE_URL")
    env = {name: value for name, value in os.environ.items() if name != "SITE_URL"}
    return subprocess.run(
        ["make", "--dry-run", "run", *arguments],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_on_another_port_serves_links_for_that_port():
    commands = dry_run("PORT=8101")

    assert "SITE_URL=http://127.0.0.1:8101 .venv/bin/celery" in commands
    assert "SITE_URL=http://127.0.0.1:8101 .venv/bin/python manage.py runserver" in (
        commands
    )
    assert ":8000" not in commands


def test_a_site_url_set_by_the_user_wins():
    commands = dry_run("PORT=8101", SITE_URL="https://fs.example.com")

    assert "SITE_URL=https://fs.example.com .venv/bin/celery" in commands
    assert "SITE_URL=https://fs.example.com .venv/bin/python manage.py runserver" in (
        commands
    )
