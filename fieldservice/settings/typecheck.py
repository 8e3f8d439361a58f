"""Settings mypy's Django plugin loads (pyproject.toml). The base settings:
the test settings make a temporary broker folder that they remove at exit, and
mypy ends with a hard exit that skips that clean-up."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "type-checking-only-not-a-secret")

from .base import *  # noqa: F403
