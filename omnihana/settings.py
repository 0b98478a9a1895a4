"""omnihana settings: everything that differs between machines comes from the environment.

DJANGO_ENV=production turns on the secure profile (it refuses to start without a real
SECRET_KEY and ALLOWED_HOSTS). Without any variable set, the project runs embedded:
SQLite, a Celery broker on the file system, SMS printed to the console.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OMNIHANA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite file, broker folders, beat schedule


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
# Off unless asked for (DEBUG=1): a user of the local run sees the Korean error pages, never
# Django's technical pages (tracebacks still go to the console).
DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-not-secret-omnihana"  # noqa: S105 - only ever used outside production
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be set to 50+ random characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "omnihana.apps.OmnihanaConfig",
    "omnihana.apps.SummernoteConfig",
    "customers",
    "branches",
    "consultations",
    "inquiries",
    "cases",
    "messaging",
    "audit",
    "campaigns",
    "api",
    "desk",
    "analytics",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "omnihana.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "omnihana.security.NoStoreMiddleware",
    "omnihana.security.QueryStringGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "omnihana.replica_middleware.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "omnihana.security.StaffSessionTimeoutMiddleware",
    "audit.middleware.AdminAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "omnihana.urls"
WSGI_APPLICATION = "omnihana.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "omnihana.security.session_timeout_context",
            ],
        },
    },
]

# --- data -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'omnihana.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run has a web server, a worker and beat writing to one file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL hot standby for heavy reads (core/replica.py): search, analytics, exports, API history.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_READS = os.environ.get("REPLICA_READS", "1") == "1"
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer costs a page at most a second (core/soft_cache.py, the
            # session store and read-your-writes carry on without it), not the system's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "omnihana"}
    )
}
# Sessions: read from Redis when it is the cache, written through to the session table (omnihana/sessions.py);
# the table alone otherwise (a per-process memory cache would keep a session another process ended).
SESSION_ENGINE = "omnihana.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "customers.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "ko-kr"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- static and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root before collectstatic has run
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (inquiry attachments) live outside the web root and are served by a view
# that checks permissions; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "private-media"))
MEDIA_URL = "/private-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # kombu's default is ./control, i.e. a folder in the checkout wherever the worker started.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Lanes (messaging/lanes.py): each kind of message on its own queue with its own workers, so a
# bulk send of 100,000 never waits in front of an OTP. The publisher names the lane's queue from
# the message's purpose; the routes below are where a message task goes without one.
SMS_LANE_QUEUES = {
    "transactional": os.environ.get("SMS_QUEUE_TRANSACTIONAL", "sms-transactional"),
    "notice": os.environ.get("SMS_QUEUE_NOTICE", "sms-notice"),
    "bulk": os.environ.get("SMS_QUEUE_BULK", "sms-bulk"),
}
CELERY_TASK_ROUTES = {
    "messaging.send": {"queue": SMS_LANE_QUEUES["notice"]},
    "messaging.send_batch": {"queue": SMS_LANE_QUEUES["notice"]},
    # A lookup after a timeout is published on its message's lane (messaging.tasks.
    # message_reconcile_publish); this route is only for a caller that names none.
    "messaging.reconcile": {"queue": SMS_LANE_QUEUES["notice"]},
    # The campaign pacer writes bulk outbox rows: it works beside the bulk lane, never the OTPs'.
    "campaigns.pace": {"queue": SMS_LANE_QUEUES["bulk"]},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Publishing must fail fast when the broker is down: the outbox row is already saved and the
# sweep delivers it later, so a request should not hang on retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
REMINDER_TIME = os.environ.get(
    "REMINDER_TIME", "08:00"
)  # Asia/Seoul; same-day booking reminders from then on
_reminder_hour = int(REMINDER_TIME.split(":")[0])
CAMPAIGN_PACE_SECONDS = float(os.environ.get("CAMPAIGN_PACE_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    # Approved campaigns: the next slice of recipients inside their window, at their pace.
    "campaign-pace": {
        "task": "campaigns.pace",
        "schedule": CAMPAIGN_PACE_SECONDS,
    },
    "messaging-sweep": {
        "task": "messaging.sweep",
        "schedule": float(os.environ.get("SMS_SWEEP_SECONDS", "30")),
    },
    # Every 10 minutes from the reminder hour to 20:00: a beat that was down at 08:00 still catches
    # up, and the idempotency key keeps it to one reminder per booking per day.
    "booking-reminders": {
        "task": "consultations.booking_reminders",
        "schedule": crontab(minute="*/10", hour=f"{_reminder_hour}-20"),
    },
    # Inquiries past their first-response deadline: flagged and the managers told, once each.
    "inquiry-overdue": {
        "task": "inquiries.overdue_alarm",
        "schedule": float(os.environ.get("INQUIRY_OVERDUE_CHECK_SECONDS", "300")),
    },
    # "As soon as possible" callbacks nobody claimed within 2 business hours: managers told, once each.
    "callback-alarm": {
        "task": "consultations.callback_alarm",
        "schedule": float(os.environ.get("CALLBACK_ALARM_CHECK_SECONDS", "300")),
    },
    # The delivery board's alarm: a lane failing or waiting too long tells the managers, once per incident.
    "delivery-alarm": {
        "task": "messaging.delivery_alarm",
        "schedule": float(os.environ.get("SMS_BOARD_CHECK_SECONDS", "60")),
    },
    # Cases past their resolution deadline: flagged and the owning team's manager told, once each.
    "case-overdue": {
        "task": "cases.overdue_alarm",
        "schedule": float(os.environ.get("CASE_OVERDUE_CHECK_SECONDS", "300")),
    },
}

# --- product settings -------------------------------------------------------------------------
# Consultation exports: at most this many rows in one request; a manager's larger export runs as a
# background job whose download link is valid for EXPORT_LINK_HOURS (consultations/export_jobs.py).
EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", "10000"))
EXPORT_LINK_HOURS = int(os.environ.get("EXPORT_LINK_HOURS", "24"))
# Message templates a manager edits: source length, rendered length, render time.
MESSAGE_TEMPLATE_MAX_CHARS = int(os.environ.get("MESSAGE_TEMPLATE_MAX_CHARS", "2000"))
MESSAGE_RENDER_MAX_CHARS = int(os.environ.get("MESSAGE_RENDER_MAX_CHARS", "4000"))
MESSAGE_TEMPLATE_RENDER_SECONDS = float(os.environ.get("MESSAGE_TEMPLATE_RENDER_SECONDS", "0.5"))
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")  # console | memory | twilio | solapi
SMS_SEND_TIMEOUT = float(os.environ.get("SMS_SEND_TIMEOUT", "10"))
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "5"))
SMS_RETRY_BASE_SECONDS = float(os.environ.get("SMS_RETRY_BASE_SECONDS", "2"))
SMS_RETRY_MAX_SECONDS = float(os.environ.get("SMS_RETRY_MAX_SECONDS", "300"))
SMS_STUCK_AFTER_SECONDS = float(
    os.environ.get("SMS_STUCK_AFTER_SECONDS", "120")
)  # 'sending' this long: worker lost
SMS_TASK_BATCH = int(os.environ.get("SMS_TASK_BATCH", "50"))  # messages per delivery task in bulk sends
SMS_SWEEP_IDLE_SECONDS = float(
    os.environ.get("SMS_SWEEP_IDLE_SECONDS", "30")
)  # 'pending' this long: task lost
SMS_RATE_PER_SECOND = float(os.environ.get("SMS_RATE_PER_SECOND", "0"))  # 0: no limit
SMS_RATE_BURST = float(os.environ.get("SMS_RATE_BURST", "0"))  # 0: one second's worth
# The delivery board (/staff/messages/): a lane whose last hour failed more than this share (of at
# least SMS_BOARD_FAILURE_MIN_COUNT finished messages), or whose oldest due message has waited longer
# than SMS_BOARD_WAIT_SECONDS, is an incident; the managers listed by SMS_BOARD_ALERT_RECIPIENTS hear of it once.
SMS_BOARD_FAILURE_RATE = float(os.environ.get("SMS_BOARD_FAILURE_RATE", "0.2"))
SMS_BOARD_FAILURE_MIN_COUNT = int(os.environ.get("SMS_BOARD_FAILURE_MIN_COUNT", "20"))
SMS_BOARD_WAIT_SECONDS = float(os.environ.get("SMS_BOARD_WAIT_SECONDS", "300"))
SMS_BOARD_ALERT_RECIPIENTS = os.environ.get(
    "SMS_BOARD_ALERT_RECIPIENTS", "customers.selectors.manager_emails"
)
# SOLAPI (SMS/LMS and KakaoTalk alimtalk in Korea): the sender number and the KakaoTalk sender
# profile (pf_id) must be registered with SOLAPI first.
SOLAPI_API_KEY = os.environ.get("SOLAPI_API_KEY", "")
SOLAPI_API_SECRET = os.environ.get("SOLAPI_API_SECRET", "")
SOLAPI_SENDER = os.environ.get("SOLAPI_SENDER", "")
SOLAPI_PF_ID = os.environ.get("SOLAPI_PF_ID", "")
SOLAPI_API_BASE = os.environ.get("SOLAPI_API_BASE", "")  # only for a local fake provider
# The shared secret in the delivery-report URL registered with SOLAPI (…/messaging/solapi/report/?token=…).
SOLAPI_WEBHOOK_SECRET = os.environ.get("SOLAPI_WEBHOOK_SECRET", "")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "")  # only for a local fake provider
TWILIO_HTTPS_PROXY = os.environ.get("TWILIO_HTTPS_PROXY", "")  # e.g. http://proxy.bank.internal:3128
TWILIO_STATUS_CALLBACK_BASE = os.environ.get(
    "TWILIO_STATUS_CALLBACK_BASE", ""
)  # e.g. https://omnihana.example.com
# Advertising (정보통신망법 §50): every campaign body ends with the free opt-out line, and the
# provider's 080 opt-out report is accepted only with this shared secret (X-Optout-Secret header).
MARKETING_OPT_OUT_NUMBER = os.environ.get("MARKETING_OPT_OUT_NUMBER", "080-000-0000")
MARKETING_SENDER_NAME = os.environ.get("MARKETING_SENDER_NAME", "하나은행")
OPT_OUT_REPORT_SECRET = os.environ.get("OPT_OUT_REPORT_SECRET", "")
KAKAO_MAP_JS_KEY = os.environ.get("KAKAO_MAP_JS_KEY", "")
# The Daum/Kakao postcode popup is loaded from Kakao's servers, so only when switched on.
DAUM_POSTCODE_ENABLED = env_bool("DAUM_POSTCODE_ENABLED", False)

# --- inquiry board -----------------------------------------------------------------------------
# First-response SLA in business hours: the clock runs only inside the working day (Asia/Seoul)
# on Korean banking days (weekdays that are not public or substitute holidays).
INQUIRY_SLA_BUSINESS_HOURS = int(os.environ.get("INQUIRY_SLA_BUSINESS_HOURS", "24"))
BUSINESS_DAY_START = os.environ.get("BUSINESS_DAY_START", "09:00")
BUSINESS_DAY_END = os.environ.get("BUSINESS_DAY_END", "18:00")
# How managers hear about an overdue inquiry besides the in-app list: email, sms, both or none.
INQUIRY_OVERDUE_NOTIFY = env_list("INQUIRY_OVERDUE_NOTIFY", "email")
INQUIRY_OVERDUE_SMS_TO = env_list("INQUIRY_OVERDUE_SMS_TO")  # duty phone numbers for the sms policy
INQUIRY_UPLOAD_MAX_BYTES = int(os.environ.get("INQUIRY_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
INQUIRY_MAX_FILES = int(os.environ.get("INQUIRY_MAX_FILES", "5"))
# Resolution deadlines of cases, in business hours (a banking day is BUSINESS_DAY_START–END,
# 9 hours by default), per type and priority: a complaint is 3 banking days unless urgent.
# CASE_DEADLINE_BUSINESS_HOURS='{"complaint": {"normal": 18}}' overrides single cells.
_CASE_DEADLINES: dict[str, dict[str, float]] = {
    "complaint": {"low": 27, "normal": 27, "high": 18, "urgent": 9},
    "request": {"low": 27, "normal": 18, "high": 9, "urgent": 4},
    "praise": {"low": 45, "normal": 45, "high": 45, "urgent": 45},
    "suggestion": {"low": 45, "normal": 45, "high": 27, "urgent": 27},
}
for _kind, _cells in json.loads(os.environ.get("CASE_DEADLINE_BUSINESS_HOURS", "{}")).items():
    _CASE_DEADLINES.setdefault(_kind, {}).update(_cells)
CASE_DEADLINE_BUSINESS_HOURS = _CASE_DEADLINES
CASE_NEAR_DUE_SHARE = float(os.environ.get("CASE_NEAR_DUE_SHARE", "0.8"))  # highlighted from here on
CASE_OVERDUE_NOTIFY = env_list("CASE_OVERDUE_NOTIFY", "email")  # email, sms, both or none
CASE_OVERDUE_SMS_TO = env_list("CASE_OVERDUE_SMS_TO")  # duty phone numbers for the sms policy
# Sizes checked while the body arrives (core/uploads.py); the proxy's limit is UPLOAD_REQUEST_MAX_BYTES too.
FILE_UPLOAD_MAX_BYTES = INQUIRY_UPLOAD_MAX_BYTES
UPLOAD_REQUEST_MAX_BYTES = INQUIRY_MAX_FILES * INQUIRY_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files (Django's default, said aloud)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "omnihana <no-reply@omnihana.local>")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# --- REST API ----------------------------------------------------------------------------------
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "1200/min")  # per client
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(64 * 1024)))
API_MAX_BULK_BODY_BYTES = int(os.environ.get("API_MAX_BULK_BODY_BYTES", str(2 * 1024 * 1024)))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"api_client": API_RATE_LIMIT},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "omnihana API",
    "DESCRIPTION": "Other channels (e.g. the video teller) write consultation records into the integrated "
    "history and read a customer's history back. Authenticate with `Authorization: Bearer <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/img/favicon.svg",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- one-time codes and login throttling ----------------------------------------------------
OTP_TTL_SECONDS = int(os.environ.get("OTP_TTL_SECONDS", "180"))
OTP_MAX_TRIES = int(os.environ.get("OTP_MAX_TRIES", "5"))
OTP_WINDOW_MINUTES = 10
OTP_WINDOW_LIMIT = int(os.environ.get("OTP_WINDOW_LIMIT", "3"))  # sends per number per 10 minutes
OTP_DAILY_LIMIT = int(os.environ.get("OTP_DAILY_LIMIT", "10"))  # sends per number per KST day
OTP_IP_HOURLY_LIMIT = int(os.environ.get("OTP_IP_HOURLY_LIMIT", "20"))  # sends per address per hour
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
# Per account (any address): a growing delay after this many failures, up to the maximum; then
# a customer needs an SMS code with the password (customers/throttle.py).
LOGIN_ACCOUNT_DELAY_AFTER = int(os.environ.get("LOGIN_ACCOUNT_DELAY_AFTER", "5"))
LOGIN_ACCOUNT_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_ACCOUNT_DELAY_MAX_SECONDS", "60"))
LOGIN_ACCOUNT_STEP_UP_AFTER = int(os.environ.get("LOGIN_ACCOUNT_STEP_UP_AFTER", "10"))
# Per address: failures for this many different login ids block the address (password spraying).
LOGIN_IP_ACCOUNT_LIMIT = int(os.environ.get("LOGIN_IP_ACCOUNT_LIMIT", "10"))
DEMO_PASSWORD_HINT = not PRODUCTION  # the login page shows the demo accounts only outside production

# --- security -----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"  # Summernote runs in-place (no iframe), so nothing of ours is framed
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Staff are signed out after this long without a request, and this long after signing in at most.
STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
STAFF_SESSION_MAX_HOURS = float(os.environ.get("STAFF_SESSION_MAX_HOURS", "12"))
# Customers: signed out after this long without a request, warned CUSTOMER_SESSION_WARNING_SECONDS before.
CUSTOMER_SESSION_IDLE_MINUTES = float(os.environ.get("CUSTOMER_SESSION_IDLE_MINUTES", "10"))
CUSTOMER_SESSION_WARNING_SECONDS = int(os.environ.get("CUSTOMER_SESSION_WARNING_SECONDS", "60"))
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# How many reverse proxies of ours stand in front of the app (their X-Forwarded-For entries are believed).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "twilio.http_client": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
