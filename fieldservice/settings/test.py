"""Test settings: base settings, made faster. Behaviour stays the same."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
# The embedded broker of a test run lives in a temporary folder of its own.
os.environ.setdefault(
    "CELERY_FILESYSTEM_BROKER_DIR", tempfile.mkdtemp(prefix="fieldservice-broker-")
)
# Calls are placed by the console provider unless a test (or the worker a test
# starts) says otherwise; Twilio settings are fakes for signed webhooks.
for name, value in {
    "CALL_PROVIDER": "console",
    "SITE_URL": "https://fs.example.com",
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_FROM_NUMBER": "+8610000000",
}.items():
    os.environ.setdefault(name, value)

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Static files are served from the app folders in tests; nothing is collected.
WHITENOISE_AUTOREFRESH = True

# Concurrency tests run writers in threads, each with its own connection: on
# SQLite they need a database file (an in-memory one is shared through a
# cache whose table locks fail at once instead of waiting). Django removes
# the file after the run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(
            tempfile.gettempdir(), f"fieldservice-test-{os.getpid()}.sqlite3"
        )
    }
