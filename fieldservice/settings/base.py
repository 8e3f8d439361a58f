"""Settings for every environment, read from environment variables.

Nothing here is production-only: integrations switch on by variable. Every
variable is listed, with one comment each, in `.env.example` and the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` (written by `make run`, never committed) fills in what the
# process environment does not set.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "fieldservice.idempotency",
    "accounts",
    "visits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "fieldservice.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a sign-in that axes refused into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fieldservice.urls"
WSGI_APPLICATION = "fieldservice.wsgi.application"
ASGI_APPLICATION = "fieldservice.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fieldservice" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: PostgreSQL when DATABASE_URL is set, SQLite otherwise ---------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account or address before any password is
# checked. Ours refuses, besides inactive users, technicians marked inactive
# (at sign-in and on every request of a session already open).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Redis: Celery broker and cache when REDIS_URL is set --------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis the worker uses an embedded broker: messages are files in
# CELERY_FILESYSTEM_BROKER_DIR, so a new user needs no server to try the app.
CELERY_FILESYSTEM_BROKER_DIR = Path(
    env.str("CELERY_FILESYSTEM_BROKER_DIR", default=str(BASE_DIR / "var" / "broker"))
)
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    (CELERY_FILESYSTEM_BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "processed"),
        # The exchange table; unset, kombu writes it to ./control.
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}  # visibility_timeout: below, with the call settings
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "purge-idempotency-records": {
        "task": "accounts.tasks.idempotency_records_purge_task",
        "schedule": 3600.0,
    },
}

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------
STATIC_URL = "static/"
# The API docs' page styles and ReDoc's start-up script (fieldservice.security).
STATICFILES_DIRS = [BASE_DIR / "fieldservice" / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Photos, signatures and receipts are personal data: whatever the storage, they
# are served only through the permission-checked views (streamed, no-store),
# never by a storage URL. MEDIA_STORAGE=s3 keeps them in an S3-compatible bucket
# every web node and worker reaches (several boxes); "filesystem" in MEDIA_ROOT.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}"
    )
MEDIA_STORAGE_BACKENDS = {
    "filesystem": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET", default=""),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Empty: boto3 finds them (instance role, ~/.aws, its own variables).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": "private",
            # No signed links: an object's URL is a dead link, so nothing can
            # hand a client a way around the views' permission checks.
            "querystring_auth": False,
            # As on a disk: a name taken gets a new one, never overwritten
            # (two rows may name the same photo; undoing one must not lose both).
            "file_overwrite": False,
        },
    },
}
STORAGES = {
    "default": MEDIA_STORAGE_BACKENDS[MEDIA_STORAGE],
    "staticfiles": {
        "BACKEND": "fieldservice.staticfiles.ManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if MEDIA_STORAGE == "s3" and not STORAGES["default"]["OPTIONS"]["bucket_name"]:
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET")

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fieldservice.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "fieldservice.schema.FieldServiceAutoSchema",
    "EXCEPTION_HANDLER": "fieldservice.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("LOGIN_THROTTLE_RATE", default="10/min")
    },
    "DATETIME_FORMAT": "iso-8601",
}
API_DESCRIPTION = """Home visits by field technicians: work orders, visits and their lifecycle.

Start at `GET /api/v1/`, which lists the entry points for your role. Sign in with
`POST /api/v1/auth/token/` and send `Authorization: Token <key>`. A token works
`API_TOKEN_HOURS` (120) hours, then answers 401 `token_expired`: sign in again, which
also replaces the token; `DELETE /api/v1/auth/token/` signs out. After
`LOGIN_FAILURE_LIMIT` (5) failed sign-ins for a username or from an address, signing
in answers 429 `locked_out` for `LOGIN_COOLOFF_MINUTES` (15). Send
`Accept-Language: zh-hans` (the default) or `en`; every message and label follows it.

**The flow of a visit**

1. *Book* (dispatcher): `POST /work-orders/`, then `POST /visits/`. The visit is `scheduled`.
2. *My day* (technician): `GET /me/visits/`. Each visit carries `allowed_transitions`,
   the steps you can take now, and `action_urls`, where to POST each of them.
3. *On my way*: `POST /visits/{id}/actions/start-travel/` (`en_route`).
4. *Arrive*: `actions/arrive/` (`arrived`); punctuality is judged on the arrival time,
   at once; an arrival outside the tolerance (late or early) needs `late_reason`.
5. *Start work*: `actions/start-work/` (`in_progress`).
6. *Checklist*: `GET /visits/{id}/checklist/`, answer with `PUT …/checklist/{item_id}/`
   or `POST …/checklist/batch/`, photos with `POST /visits/{id}/photos/`.
7. *Temporary leave / return*: `actions/leave/` (`temporarily_left`), `actions/return/`.
8. *Work done*: `actions/finish-work/` (`work_done`), refused (409) while required
   checklist items are missing.
9. *Sign-off*: the customer signs on the phone (`GET`, then `POST /visits/{id}/sign-off/`)
   or through a link (`POST /visits/{id}/sign-off-links/`) (`signed_off`);
   documents: `service-card.pdf`, `receipt.pdf`.
10. *Follow-up call*: placed automatically the day after sign-off (`GET /calls/`);
    complaints: `/complaints/`. A dispatcher closes the visit: `actions/close/`.

**Refusals** come as `{"code": …, "detail": …}`: 400 wrong input (with `fields`),
401 not signed in (`token_expired`, `token_invalid`, `user_inactive`), 403 not your
step, 404 not found or not yours, 409 not allowed in
the current state, 422 an `Idempotency-Key` reused with another body, 429 too many
sign-in attempts (`throttled`, `locked_out`; see `Retry-After`), 503
`database_unavailable` when the database could not be reached or dropped the
connection: nothing of the request was saved; send it again after `Retry-After`
seconds. Every write
takes an optional `Idempotency-Key` header so that a retry never writes twice.

**Working offline.** The technician's steps (`start-travel`, `arrive`, `start-work`,
`leave`, `return`, `finish-work`) take an optional `occurred_at`: the phone's time of the
tap (ISO 8601 with its offset). Send `Device-Time: <the phone's clock now>` on every write
that carries a phone's time (`occurred_at`, `captured_at`): the server measures the
phone's clock offset and corrects those times by it, so a wrong clock does no harm (an
unreadable value: 400 `device_time_invalid`). A step is then recorded at its corrected
time, and an arrival judged on it, if that time is at most `EVIDENCE_CLOCK_SKEW_SECONDS`
(300) ahead of the server's clock (within it, recorded at the server's time), at most
`OFFLINE_STEP_MAX_AGE_HOURS` (12) old and not before the visit's last record; otherwise
400 `occurred_in_future`, `occurred_too_long_ago` or `occurred_before_previous_step`
(reload the visit), and nothing is recorded. The visit's `arrival_time_source` says
`device` for such an arrival, and each such step's event `data` holds `time_source`,
the phone's time, its clock offset and when the server received it. Without
`occurred_at` a step is stamped with the server's clock when it arrives.
"""

SPECTACULAR_SETTINGS = {
    "TITLE": "fieldservice API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "TAGS": [
        {"name": "auth", "description": "Signing in, who am I, the entry points."},
        {"name": "my day", "description": "The visits to show: mine today, or all."},
        {"name": "lifecycle", "description": "Booking and the steps of a visit."},
        {"name": "checklist and photos", "description": "The conduct checklist."},
        {"name": "sign-off and documents", "description": "Signing, receipts."},
        {"name": "calls and complaints", "description": "Calls and complaints."},
        {"name": "people", "description": "Technicians and customers."},
        {
            "name": "console",
            "description": "The dispatcher's console: the day board, the booking "
            "assistant, the queues, a visit's evidence.",
        },
        {
            "name": "scorecard",
            "description": "The service scorecard, its CSV and the monthly reviews.",
        },
    ],
    "ENUM_NAME_OVERRIDES": {
        "VisitKindEnum": "visits.lifecycle.models.VisitKind",
        "ChecklistItemKindEnum": "visits.checklists.models.ItemKind",
        "VisitEventKindEnum": "visits.lifecycle.models.VisitEventKind",
        "VisitStateEnum": "visits.lifecycle.models.VISIT_STATE_CHOICES",
        "CallStateEnum": "visits.calls.models.CallState",
        "ComplaintStateEnum": "visits.complaints.models.ComplaintState",
        "CallOutcomeEnum": "visits.calls.models.CallOutcome",
        "CallBackOutcomeEnum": "visits.calls.models.CallBackOutcome",
        "MissingReasonEnum": "visits.checklists.api.MISSING_REASONS",
    },
}

# --- Input handling, and SQLite with several writers ---------------------------
# Input no field can hold (NUL characters, NaN, overflowing numbers, bodies over
# DATA_UPLOAD_MAX_MEMORY_SIZE) is refused with a 4xx before a view runs
# (fieldservice.inputs); after LocaleMiddleware, so refusals follow the language.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
    "fieldservice.inputs.RefuseUnreadableInputMiddleware",
)
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "fieldservice.inputs.JSONParser",
    "rest_framework.parsers.FormParser",
    "fieldservice.inputs.MultiPartParser",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and beat write to one file at once:
    # WAL lets readers carry on during a write; IMMEDIATE takes the write lock
    # when a transaction begins, so a reader never has to upgrade to a writer
    # (which fails at once with "database is locked"); the timeout makes a
    # second writer wait for the first instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# --- The company and its service rules (defaults; editable in the admin) -----
COMPANY_NAME = env.str("COMPANY_NAME", default="fieldservice")
CUSTOMER_SERVICE_HOTLINE = env.str("CUSTOMER_SERVICE_HOTLINE", default="10000")
ARRIVAL_TOLERANCE_MINUTES = env.int("ARRIVAL_TOLERANCE_MINUTES", default=10)
# Where phone numbers typed without a country code are (ISO 3166 code).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="CN")

# --- Security: safe by default, relaxed only by DEBUG or explicit variables ---
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes the backend over plain HTTP: the health check answers
# it (200 or 503) instead of redirecting it to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/background)?$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
# Sessions (the phone app signs in with one; scripts cannot read the cookie).
# A week from sign-in: a technician signs in once and stays signed in through
# shifts of poor network and an offline night; signing out ends it at once.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=7 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# django-csp: the strict policy of every answer, HTML pages and the admin
# included; the API docs add only what their libraries need, on their own views
# (fieldservice.security). No inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Photo previews on the phone are blob: URLs of the queued photo.
        "img-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front of the app, each appending the address
# it was reached from to X-Forwarded-For: the client is the address that many
# places from the right (fieldservice.throttling.client_address). 0: the
# connection's own address (REMOTE_ADDR); the header is then ignored, since
# anyone can write it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

# --- Signing in: lockout (django-axes) and API tokens ----------------------------
# After LOGIN_FAILURE_LIMIT failed sign-ins for one username, or from one client
# address, that username or address is locked out of every sign-in (admin,
# console, API token and session) for LOGIN_COOLOFF_MINUTES; a success resets
# the count. Attempts are kept in the database, so lockout holds with Redis down.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "fieldservice.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# An API token works this many hours after sign-in (5 days: one got on Monday
# morning lasts the working week); signing in again replaces it, signing out
# (DELETE /api/v1/auth/token/) ends it.
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=120)
SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Photo evidence ------------------------------------------------------------
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
# Longest side of a photo, checked before decoding: 1 x 50,000,000 is within the
# pixel count yet ties a worker up. A 50-megapixel phone photo is 8160 x 6120.
PHOTO_MAX_SIDE_PIXELS = env.int("PHOTO_MAX_SIDE_PIXELS", default=12_000)
# The phone app makes a photo this long on its longest side before it queues and
# uploads it (a 12-megapixel camera JPEG is 4-5 MB and costs the server several
# times a small one to process). 1600 is the size of the display copy the server
# keeps, so nothing stored is lost; 0 sends photos as taken.
PHOTO_UPLOAD_MAX_SIDE_PIXELS = env.int("PHOTO_UPLOAD_MAX_SIDE_PIXELS", default=1600)
# How far ahead of the server's clock a phone's capture time may be
# (docs/rules.md#evidence-after-arrival): later than that, the phone's clock is wrong.
EVIDENCE_CLOCK_SKEW_SECONDS = env.int("EVIDENCE_CLOCK_SKEW_SECONDS", default=300)
# How long ago a lifecycle step the phone took offline may have happened for its
# reported time to be recorded (docs/rules.md#offline-steps). The same skew as
# above bounds how far ahead it may be.
OFFLINE_STEP_MAX_AGE_HOURS = env.int("OFFLINE_STEP_MAX_AGE_HOURS", default=12)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Idempotency records are kept this long, then purged by a periodic task.
IDEMPOTENCY_RETENTION_HOURS = env.int("IDEMPOTENCY_RETENTION_HOURS", default=72)

# --- Sign-off ------------------------------------------------------------------
# How long a customer's signing link stays valid.
SIGN_OFF_LINK_HOURS = env.int("SIGN_OFF_LINK_HOURS", default=24)
# How long after signing the link that signed still shows the signed record, the
# receipt, the service card and the photos; afterwards it answers "expired".
SIGN_OFF_LINK_RECEIPT_HOURS = env.int("SIGN_OFF_LINK_RECEIPT_HOURS", default=72)
# The public verify page (/verify/<hash>/): checks per client address, and how
# long its verdict on a record is kept.
VERIFY_PAGE_THROTTLE_RATE = env.str("VERIFY_PAGE_THROTTLE_RATE", default="30/min")
VERIFY_PAGE_CACHE_SECONDS = env.int("VERIFY_PAGE_CACHE_SECONDS", default=60)
# Public address of this site, for links in receipts and messages (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Calls (reminders, follow-up) and complaints -------------------------------
# "console" logs what would be said; "twilio" places real voice calls.
CALL_PROVIDER = env.str("CALL_PROVIDER", default="console")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
CALL_HTTP_TIMEOUT_SECONDS = env.int("CALL_HTTP_TIMEOUT_SECONDS", default=10)
CALL_REMINDER_DAY_BEFORE_AT = env.str("CALL_REMINDER_DAY_BEFORE_AT", default="18:00")
CALL_REMINDER_MINUTES_BEFORE = env.int("CALL_REMINDER_MINUTES_BEFORE", default=60)
CALL_FOLLOW_UP_AT = env.str("CALL_FOLLOW_UP_AT", default="10:00")
CALL_QUIET_HOURS = env.str("CALL_QUIET_HOURS", default="21:00-08:00")
CALL_MAX_ATTEMPTS = env.int("CALL_MAX_ATTEMPTS", default=3)
CALL_SCAN_SECONDS = env.float("CALL_SCAN_SECONDS", default=30.0)
CALL_SCAN_BATCH = env.int("CALL_SCAN_BATCH", default=1000)
# A claimed call whose task never started (broker down) is claimed again after this.
CALL_QUEUED_STALE_MINUTES = env.int("CALL_QUEUED_STALE_MINUTES", default=5)
# A call being placed with no word from the provider (worker died) is retried after this.
CALL_PLACING_STALE_MINUTES = env.int("CALL_PLACING_STALE_MINUTES", default=15)
COMPLAINT_RATING_AT_MOST = env.int("COMPLAINT_RATING_AT_MOST", default=2)
COMPLAINT_FIRST_RESPONSE_HOURS = env.int("COMPLAINT_FIRST_RESPONSE_HOURS", default=48)
COMPLAINT_RESOLUTION_WORKING_DAYS = env.int(
    "COMPLAINT_RESOLUTION_WORKING_DAYS", default=7
)
COMPLAINT_SCAN_SECONDS = env.float("COMPLAINT_SCAN_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE["scan-due-calls"] = {
    "task": "visits.tasks.calls_scan_task",
    "schedule": CALL_SCAN_SECONDS,
}
CELERY_BEAT_SCHEDULE["escalate-overdue-complaints"] = {
    "task": "visits.tasks.complaints_escalate_task",
    "schedule": COMPLAINT_SCAN_SECONDS,
}
# --- The dispatcher's console (visits.console) ---------------------------------
# Free time a booking keeps between one visit's expected end and the next
# visit's start, for the technician to travel (the booking assistant, and every
# booking, move and reassignment).
TRAVEL_BUFFER_MINUTES = env.int("TRAVEL_BUFFER_MINUTES", default=30)
# The day board marks a visit "at risk" when nobody has set off for it and its
# appointed start is this close (the travel time that is left is short).
BOARD_AT_RISK_MINUTES = env.int("BOARD_AT_RISK_MINUTES", default=30)
# How often an open day board asks for changes.
BOARD_REFRESH_SECONDS = env.int("BOARD_REFRESH_SECONDS", default=15)
# A complaint clock with less than this left is shown as "due soon".
COMPLAINT_DUE_SOON_HOURS = env.int("COMPLAINT_DUE_SOON_HOURS", default=12)
# --- The service scorecard (visits.scorecard) -----------------------------------
# The monthly service review of the month before, made at 06:00 on the first.
CELERY_BEAT_SCHEDULE["service-review-monthly"] = {
    "task": "visits.scorecard.service_review_generate_task",
    "schedule": crontab(day_of_month=1, hour=6, minute=0),
}
# A review asked for through the API whose task was lost (the broker was down
# when it was sent) is sent again by beat once it has waited this long.
SERVICE_REVIEW_LOST_MINUTES = 10
SERVICE_REVIEW_RESEND_SECONDS = 300.0
CELERY_BEAT_SCHEDULE["service-reviews-resend"] = {
    "task": "visits.scorecard.service_reviews_resend_task",
    "schedule": SERVICE_REVIEW_RESEND_SECONDS,
}
# --- Health: heartbeats of the Celery worker and beat ---------------------------
# Beat sends a heartbeat task this often; /healthz reports the worker's and beat's
# heartbeat ages, and /healthz/background answers 503 when either is older than
# HEALTH_HEARTBEAT_STALE_SECONDS.
HEALTH_HEARTBEAT_SECONDS = env.float("HEALTH_HEARTBEAT_SECONDS", default=30.0)
HEALTH_HEARTBEAT_STALE_SECONDS = env.float(
    "HEALTH_HEARTBEAT_STALE_SECONDS", default=120.0
)
CELERY_BEAT_SCHEDULE["heartbeat"] = {
    "task": "fieldservice.heartbeat_task",
    "schedule": HEALTH_HEARTBEAT_SECONDS,
    "options": {"expires": HEALTH_HEARTBEAT_SECONDS},
}
# Shared by every process: Redis, or files next to the embedded broker's messages.
CACHES["heartbeats"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CELERY_FILESYSTEM_BROKER_DIR / "heartbeats"),
    }
)
if REDIS_URL:
    # Longer than any task may run, so an unacknowledged task is not handed to
    # another worker while it is still running.
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=3600
    )

# Lists at scale: a page-number list (API or admin) serves rows up to this
# offset and refuses deeper pages; large API lists page by cursor instead.
LIST_MAX_OFFSET = env.int("LIST_MAX_OFFSET", default=10_000)
# The admin's unfiltered changelists on PostgreSQL show the planner's row
# estimate (pg_class.reltuples) instead of counting the table once it holds at
# least this many rows; a filtered list is counted exactly up to LIST_MAX_OFFSET.
ADMIN_ESTIMATED_COUNT_FROM = env.int("ADMIN_ESTIMATED_COUNT_FROM", default=10_000)
