"""Test settings: base settings, made faster. Behaviour stays the same."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
# The embedded broker of a test run lives in a temporary folder of its own.
os.environ.setdefault(
    "CELERY_FILESYSTEM_BROKER_DIR", tempfile.mkdtemp(prefix="fieldservice-broker-")
)

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Static files are served from the app folders in tests; nothing is collected.
WHITENOISE_AUTOREFRESH = True

# Calls are placed by the console provider unless a test says otherwise.
CALL_PROVIDER = "console"
SITE_URL = "https://fs.example.com"
TWILIO_AUTH_TOKEN = "test-auth-token"
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_FROM_NUMBER = "+8610000000"
