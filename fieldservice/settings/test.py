"""Test settings: base settings, made faster. Behaviour stays the same."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
# The embedded broker of a test run lives in a temporary folder of its own,
# removed when the run ends. A worker a test starts inherits the variable, so
# only the process that made the folder removes it.
if "CELERY_FILESYSTEM_BROKER_DIR" not in os.environ:
    _broker_dir = tempfile.mkdtemp(prefix="fieldservice-broker-")
    os.environ["CELERY_FILESYSTEM_BROKER_DIR"] = _broker_dir
    atexit.register(shutil.rmtree, _broker_dir, ignore_errors=True)
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
