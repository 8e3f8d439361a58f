"""`manage.py check --deploy` gives no warning under the production settings the
README documents (its `export` line in "Running in production"), and warns when one of them is weakened."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def documented_production_environment() -> dict[str, str]:
    """The variables of the README's `export` command for production."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"^export (.*?)(?<!\\)$", section, re.M | re.S)
    assert command, "no export command in the README's production section"
    text = re.sub(r"#[^\n]*", "", command.group(1)).replace("\\\n", " ")
    variables = dict(re.findall(r"([A-Z_]+)=(\S+)", text))
    assert variables, "no variables found in the README's export command"
    # The README writes `...` for the secret: a real one is long and random.
    variables["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


def deploy_check(**changes: str) -> subprocess.CompletedProcess:
    environment = {
        # Only what a shell has, never this test run's settings: the production
        # settings module reads the documented variables with its defaults.
        **{
            name: os.environ[name]
            for name in ("PATH", "HOME", "LANG", "TMPDIR")
            if name in os.environ
        },
        # Production's default, stated so that a developer's .env does not count.
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "fieldservice.settings.base",
        **documented_production_environment(),
        **changes,
    }
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_documents_the_production_variables_the_check_needs():
    variables = documented_production_environment()

    assert {
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_BEHIND_TLS_PROXY",
        "TRUSTED_PROXY_COUNT",
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "DJANGO_SECURE_HSTS_PRELOAD",
        "SITE_URL",
    } <= set(variables)


def test_the_documented_production_settings_pass_the_deploy_check_without_warning():
    result = deploy_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"DJANGO_SECURE_COOKIES": "0"}, "security.W012"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "0"}, "security.W005"),
        ({"DJANGO_SECURE_HSTS_PRELOAD": "0"}, "security.W021"),
        ({"TRUSTED_PROXY_COUNT": "0"}, "accounts.W001"),
        ({"DJANGO_SECRET_KEY": "short"}, "security.W009"),
        ({"DJANGO_DEBUG": "1"}, "security.W018"),
    ],
)
def test_a_weakened_production_setting_fails_the_deploy_check(change, warning):
    result = deploy_check(**change)

    assert result.returncode == 1
    assert warning in result.stderr


def test_the_documented_alternative_for_a_domain_without_hsts_everywhere_passes():
    """The README: HSTS for subdomains and preload off, their two warnings silenced."""
    result = deploy_check(
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SILENCED_SYSTEM_CHECKS="security.W005,security.W021",
    )

    assert result.returncode == 0, result.stdout + result.stderr
