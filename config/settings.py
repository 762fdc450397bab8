"""Settings for the CQO Platform.

One file, driven by environment variables. With none set it runs the embedded default: SQLite
and generated secrets under ./var, background work in-process. Production (CQO_ENV=production,
``make serve-prod``) sets DATABASE_URL (PostgreSQL), REDIS_URL and the keys; see .env.example.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from cqo.lib.private import private_dir, private_file
from cqo.lib.secrets import load_secrets

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production mode: HTTPS only, static files collected and served by WhiteNoise, JSON logs, Redis as
# broker and cache. Settings still import without PostgreSQL or Redis (so `check --deploy` runs
# anywhere); `make serve-prod` is what insists on them.
PRODUCTION = os.environ.get("CQO_ENV", "").strip().lower() == "production"

DATA_DIR = private_dir(Path(os.environ.get("CQO_DATA_DIR") or BASE_DIR / "var"))
_SECRETS = load_secrets(DATA_DIR)

SECRET_KEY = _SECRETS["secret_key"]
# Personal data keys: CQO_DATA_KEY encrypts; CQO_DATA_KEYS_OLD (comma-separated) still decrypt.
CQO_DATA_KEYS = [_SECRETS["data_key"], *env_list("CQO_DATA_KEYS_OLD")]
CQO_HASH_KEY = _SECRETS["hash_key"]
# The cryptographic suite (cqo/lib/crypto.py): "international" (Fernet, HMAC-SHA256, Ed25519),
# "national" (SM4-GCM, HMAC-SM3, SM2 beside Ed25519) or "both" (writes national, reads and looks
# up either: the setting to switch under). rotate_data_keys moves stored data to the suite set.
CQO_CRYPTO_SUITE = os.environ.get("CQO_CRYPTO_SUITE", "international").strip().lower()
if CQO_CRYPTO_SUITE not in {"international", "national", "both"}:
    raise ImproperlyConfigured("CQO_CRYPTO_SUITE is international, national or both")
# SM4 keys (16 bytes, url-safe base64) as CQO_DATA_KEYS: CQO_SM4_KEY encrypts, the old still read.
CQO_SM4_KEYS = [_SECRETS["sm4_key"], *env_list("CQO_SM4_KEYS_OLD")]
# The SM2 private key (32 bytes, url-safe base64) signing checkpoints and certificates.
CQO_SM2_KEY = _SECRETS["sm2_key"]
# The hour log (SPEC §12.14): the Ed25519 seed (32 bytes, url-safe base64) signing checkpoints,
# and the checkpoint origin line (C2SP tlog-checkpoint), which names this log.
CQO_LEDGER_KEY = _SECRETS["ledger_key"]
CQO_LEDGER_ORIGIN = os.environ.get("CQO_LEDGER_ORIGIN", "cqo-platform.local/hours")
# Key rotation: the previous seeds (comma-separated) still cosign new checkpoints for a while.
CQO_LEDGER_KEYS_OLD = env_list("CQO_LEDGER_KEYS_OLD")
# Verifier keys (public, comma-separated) of retired seeds: ledger_audit still accepts the
# checkpoints they signed before the rotation.
CQO_LEDGER_RETIRED_VKEYS = env_list("CQO_LEDGER_RETIRED_VKEYS")
# The key of the audit trail's hash chain (cqo/audit/chain.py; docs/operations.md §7): an HMAC key,
# so that access to the database alone cannot rebuild the chain over changed entries. Never
# rotated in place: the chain sealed under it verifies only with it.
CQO_AUDIT_KEY = _SECRETS["audit_key"]
# How long the audit trail is kept, in days: a floor the audit_verify report checks (the
# platform deletes no entry). 网络安全法 第二十一条(三): 留存相关的网络日志不少于六个月; a system
# check refuses less (cqo/audit/checks.py).
CQO_AUDIT_RETENTION_DAYS = int(os.environ.get("CQO_AUDIT_RETENTION_DAYS", "180"))
# Study-hour reminders before year end, as a month-day list. Platform default, not from the
# documents: SPEC §5 asks for reminders before year end and no source names a date; the pages
# that show the reminders say so.
CQO_HOUR_REMINDER_DATES = env_list("CQO_HOUR_REMINDER_DATES") or ["11-01", "12-01"]

# never in production: a debug page shows settings and personal data
DEBUG = env_bool("DEBUG", False) and not PRODUCTION
# Production answers only the host names it is given (the default is the loopback server of
# `make serve-prod`); SITE_URL, the address printed in QR codes and e-mails, follows the first.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL") or (
    f"https://{ALLOWED_HOSTS[0]}:8443" if PRODUCTION else "http://127.0.0.1:8000"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",  # django-csp's system checks of the policy (config/security.py)
    "ninja",  # serves Swagger UI's files itself: no CDN on an intranet (SPEC §10)
    # TOTP devices of the second sign-in factor (cqo/accounts/second_factor.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cqo.audit",
    "cqo.reference",
    "cqo.accounts",
    "cqo.notify",
    "cqo.registry",
    "cqo.policy",
    "cqo.blacklist",
    "cqo.ledger",
    "cqo.hours",
    "cqo.training",
    "cqo.imports",
    "cqo.talent",
    "cqo.coverage",
    "cqo.certification",
    "cqo.evaluation",
    "cqo.community",
    "cqo.portal",
    "cqo.ops",
]

MIDDLEWARE = [
    # first, so every log record of the request carries its id
    "cqo.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cqo.lib.middleware.ChosenLanguageMiddleware",
    "cqo.lib.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # idle sign-out, enrolment of a required second factor, an expired password
    "cqo.accounts.middleware.SignInPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # (faults) a database that is down or restarting answers 503, never a half-done change
    "cqo.lib.faults.DatabaseUnavailableMiddleware",
    # a PDF render stopped by CQO_PDF_TIMEOUT_SECONDS answers 503 with Retry-After and the reason
    "cqo.lib.faults.RenderTimeoutMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "cqo.accounts.context_processors.role",
                "cqo.imports.context_processors.legacy",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "cqo.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=60,
        # a connection the server dropped (a restart) is noticed before the next request uses it
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not os.environ.get("DATABASE_URL"):
        private_file(_sqlite_path)  # created 0600 before SQLite creates it world-readable
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE takes the write lock at BEGIN, so two concurrent approvals queue behind each
    # other instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # a page cache of up to 64 MiB a connection (SQLite's default is 2 MiB): a long job
        # writing a province's tables (an archive's million hour records, the coverage refresh)
        # otherwise reads its indexes' pages back from disk on every insert
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
    }
    # A file, not shared-cache memory: concurrency tests open several connections. One file per
    # test process, so parallel runs do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
# Tests only: the audit trail is not copied into the snapshot a serialized_rollback test restores.
# Restoring it would rewrite each entry in place (the snapshot keeps times to the millisecond),
# which PostgreSQL's append-only trigger refuses (cqo/audit/migrations/0008).
TEST_NON_SERIALIZED_APPS = ["cqo.audit"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's rule with its refusal in Chinese (cqo/accounts/validators.py)
    {"NAME": "cqo.accounts.validators.MinimumLengthValidator"},
    # GB/T 22239-2019 8.1.4.1 a) 口令复杂度 (CQO_PASSWORD_MIN_LENGTH, CQO_PASSWORD_MIN_CLASSES)
    {"NAME": "cqo.accounts.validators.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# uploads kept while their form is corrected (cqo.lib.forms.HoldsUploads); never served
CQO_HELD_UPLOADS_DIR = DATA_DIR / "held"
# Production serves the collected static files itself (WhiteNoise: hashed names, gzip and brotli
# copies, cached for a year), no CDN on an intranet (SPEC §10). Elsewhere the files are served
# from static/ as they are, so tests and `make run` need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "cqo.ops.storage.StaticStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# uploaded scans, photos and evidence are personal data: only the platform's account reads them
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
# production is HTTPS only (config/gunicorn.conf.py serves TLS)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Working life for the age check on resident ID numbers (SPEC §2 "implausible birth dates
# rejected"): 16 (the legal working age) to 80. A platform default, not from the documents: no
# source sets an age; the message that applies it says so.
CQO_MIN_AGE = int(os.environ.get("CQO_MIN_AGE", "16"))
CQO_MAX_AGE = int(os.environ.get("CQO_MAX_AGE", "80"))
# 指导督促: an appointment still unfiled this many days after it started is overdue. The sources
# set no deadline: the registry reads it from the governing pack's [filing] due_days (a
# platform default of 30 in every shipped pack, so labelled); this setting is the fallback for
# reports that span packs.
CQO_FILING_DUE_DAYS = int(os.environ.get("CQO_FILING_DUE_DAYS", "30"))
# How far ahead an appointment's start date may lie. A platform default, not from the
# documents (they set no limit): it stops a mistyped year; the message says so. Within the
# one-year bound every event date has (cqo/lib/dates.py AHEAD).
CQO_START_DATE_MAX_AHEAD_DAYS = int(os.environ.get("CQO_START_DATE_MAX_AHEAD_DAYS", "365"))
# Password guessing (cqo/accounts/services.py), within a window of CQO_LOGIN_LOCK_MINUTES: this
# many failures of one user name from one address lock that name at that address only (a
# stranger cannot lock the user out), and this many from one address, whatever the names, lock
# the address (it cannot try name after name). The address limit is the higher one: the staff
# of an office often share one address.
CQO_LOGIN_MAX_FAILURES = int(os.environ.get("CQO_LOGIN_MAX_FAILURES", "10"))
CQO_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("CQO_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
CQO_LOGIN_LOCK_MINUTES = int(os.environ.get("CQO_LOGIN_LOCK_MINUTES", "15"))
# Sign-in as GB/T 22239-2019 (等保 2.0) level 3 asks of it, 8.1.4.1 身份鉴别. The standard names
# no numbers: each below is a platform default, as assessors commonly accept it.
# a) 身份鉴别信息具有复杂度要求并定期更换: a new password has at least CQO_PASSWORD_MIN_LENGTH
# characters from at least CQO_PASSWORD_MIN_CLASSES of the four classes (capitals, small letters,
# digits, other signs), and after CQO_PASSWORD_MAX_AGE_DAYS days (0: never) its user is sent to
# change it before any other page (cqo/accounts/middleware.py).
CQO_PASSWORD_MIN_LENGTH = int(os.environ.get("CQO_PASSWORD_MIN_LENGTH", "8"))
CQO_PASSWORD_MIN_CLASSES = int(os.environ.get("CQO_PASSWORD_MIN_CLASSES", "3"))
CQO_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("CQO_PASSWORD_MAX_AGE_DAYS", "90"))
# b) 登录连接超时自动退出: a session idle this many minutes is signed out (0: never).
CQO_SESSION_IDLE_MINUTES = int(os.environ.get("CQO_SESSION_IDLE_MINUTES", "15"))
# d) 两种或两种以上组合的鉴别技术: users of these roles (cqo.accounts.models.Role values) must
# enrol a TOTP app (RFC 6238) and give its code after their password. Production asks it of
# regulators and the three administrators; the embedded default (`make
# run`'s demo, the tests) of nobody, so the published demo logins sign in with their password. A
# user who enrolled of their own accord is asked for the code whatever this says.
CQO_2FA_REQUIRED_ROLES = env_list(
    "CQO_2FA_REQUIRED_ROLES", "regulator,admin,security,auditor" if PRODUCTION else ""
)
# The key register (cqo.accounts.models.KeyRecord, the 安全合规 page): a key in use longer than
# this many days is flagged for rotation. Platform default: GB/T 39786-2021 8.5 asks for key
# management rules and leaves the period to them.
CQO_KEY_MAX_AGE_DAYS = int(os.environ.get("CQO_KEY_MAX_AGE_DAYS", "365"))
# the name an authenticator app shows beside the code
OTP_TOTP_ISSUER = "首席质量官管理平台"
# The public lookups without login (level and training certificates by number, API and page;
# the hour-proof check): at most this many per client address (django-ratelimit rate, e.g.
# "60/m"; blank: no limit), so nobody reads the register by walking certificate numbers. The
# load benchmark raises it (bench/load_settings.py).
CQO_PUBLIC_VERIFY_RATE = os.environ.get("CQO_PUBLIC_VERIFY_RATE", "60/m").strip() or None
# API bearer tokens expire after this many days: a week, so that a key copied into a script or
# left in a shell history stops working soon; a client signs in again for a new one.
CQO_TOKEN_DAYS = int(os.environ.get("CQO_TOKEN_DAYS", "7"))
# Online registration (anonymous): at most this many accounts per client address per hour. A
# training class registering together behind one address needs a higher number for that day.
CQO_REGISTER_PER_HOUR = int(os.environ.get("CQO_REGISTER_PER_HOUR", "30"))
# Behind a reverse proxy every request comes from the proxy: the client's address, which the
# sign-in and registration limits count (cqo/lib/limits.py), is then the last address of
# X-Forwarded-For, the one the proxy appended. Set it only when such a proxy is in front.
CQO_BEHIND_PROXY = env_bool("CQO_BEHIND_PROXY", False)
# Enterprise-list import: an xlsx whose sheet XML exceeds this many bytes is read in a child
# process slice by slice (cqo/lib/sheets.py), so memory stays bounded by a slice of this many
# rows instead of the whole sheet.
CQO_IMPORT_SLICE_BYTES = int(os.environ.get("CQO_IMPORT_SLICE_BYTES", str(8 << 20)))
CQO_IMPORT_SLICE_ROWS = int(os.environ.get("CQO_IMPORT_SLICE_ROWS", "10000"))
# A PDF (filing form, certificates, hour proofs, the assessment report) renders in a child process
# killed after this many seconds: the answer is then 503 with Retry-After, never a worker held
# for minutes (cqo/lib/pdf.py). Every text a PDF prints is bounded where it is typed
# (cqo/lib/bounds.py), and at those bounds the longest page renders in under 2 s on one core,
# so only a render that cannot finish meets this.
CQO_PDF_TIMEOUT_SECONDS = float(os.environ.get("CQO_PDF_TIMEOUT_SECONDS", "8"))
# A deployment's own policy packs (SPEC §4), loaded with the shipped ones by `load_packs`.
CQO_POLICY_PACK_DIR = Path(os.environ.get("CQO_POLICY_PACK_DIR") or DATA_DIR / "packs")

# Background work (config/celery.py). With a broker (Redis in production), imports and the daily
# jobs run on Celery workers and beat; without one, tasks run in-process when called.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# a worker killed mid-task leaves its task on the queue to be retried (imports are atomic)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# workers log through LOGGING below (JSON lines in production), not Celery's own format
CELERY_WORKER_HIJACK_ROOT_LOGGER = not PRODUCTION
# The daily jobs (each idempotent: running twice a day does nothing more), at night in Beijing.
CQO_DAILY_JOBS = {
    "blacklist-activate": "cqo.blacklist.tasks.blacklist_activate",
    "hours-remind": "cqo.hours.tasks.hours_remind",
    "certification-remind": "cqo.certification.tasks.certification_remind",
    # the key register's sightings (cqo.accounts.models.KeyRecord, the 安全合规 page)
    "keys-register": "cqo.accounts.tasks.keys_register",
    # the audit trail's hash chain walked end to end; its result is what the audit
    # administrator's page shows (GB/T 22239-2019 8.1.4.3 c))
    "audit-verify": "cqo.audit.tasks.audit_verify",
}
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": crontab(hour=1, minute=30)}
    for name, task in CQO_DAILY_JOBS.items()
}
# The coverage aggregate and the talent search index follow the registry's audited changes
# right after each commit (cqo.audit.services.follow); these jobs also build them the first
# time and catch up whatever a follower missed. Until then answers come from the live query
# (exact, slower).
CQO_FREQUENT_JOBS = {
    "coverage-refresh": "cqo.coverage.tasks.coverage_refresh",
    "talent-refresh": "cqo.talent.tasks.talent_refresh",
    # notices a dead worker or a lost enqueue left behind (cqo/notify/sending.py)
    "notify-sweep": "cqo.notify.tasks.outbox_sweep",
}
CELERY_BEAT_SCHEDULE |= {
    name: {"task": task, "schedule": crontab(minute="*/10")}
    for name, task in CQO_FREQUENT_JOBS.items()
}
# Every minute: the audit entries written since are sealed into the hash chain (cqo/audit), so
# an entry stays changeable behind the platform's back for a minute at most (platform default).
CQO_MINUTE_JOBS = {
    "audit-seal": "cqo.audit.tasks.audit_seal",
}
CELERY_BEAT_SCHEDULE |= {
    name: {"task": task, "schedule": crontab()} for name, task in CQO_MINUTE_JOBS.items()
}

# Notices by e-mail and SMS (cqo/notify). E-mail goes over SMTP when EMAIL_HOST is set;
# without it (the embedded default) each mail is written as a file under the data dir's mail/
# folder, so a demo shows what would have been sent and nothing leaves the machine.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "首席质量官管理平台 <noreply@localhost>")
# SMS: with CQO_SMS_URL set, a JSON POST to the operator's gateway, signed with HMAC-SHA256
# under CQO_SMS_SECRET (cqo/notify/sms.py); without it SMS are only written to the log.
CQO_SMS_URL = os.environ.get("CQO_SMS_URL", "")
CQO_SMS_SECRET = os.environ.get("CQO_SMS_SECRET", "")
CQO_SMS_TIMEOUT = float(os.environ.get("CQO_SMS_TIMEOUT", "10"))
# the signature every SMS starts with (registered with the operator), counted in its 70 chars
CQO_SMS_SIGNATURE = os.environ.get("CQO_SMS_SIGNATURE", "【首席质量官平台】")
# the template registered with the operator for each notice kind, "kind=id,kind=id"; a kind
# not named is sent under its own code
CQO_SMS_TEMPLATE_IDS = {
    kind.strip(): tid.strip()
    for kind, _sep, tid in (i.partition("=") for i in env_list("CQO_SMS_TEMPLATE_IDS"))
    if tid.strip()
}

# Import progress and other short-lived shared state: Redis when there is one, so the web
# processes see what the workers write; the process's memory otherwise.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cqo",
        }
    }
else:
    # Django's default keeps 300 entries and drops a third when full: too few for the coverage
    # answers of a province's regions, which would push each other out
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Production logs JSON lines on stdout (one object per record, with the request's id, method,
# path, status, duration and user id: cqo/ops/logs.py); elsewhere plain text. Each request is
# logged by cqo.ops.middleware at INFO.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cqo.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request": {"()": "cqo.ops.logs.RequestContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout" if PRODUCTION else "ext://sys.stderr",
            "formatter": "json" if PRODUCTION else "text",
            "filters": ["request"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING"),
    },
    # PDF rendering narrates every step at INFO
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# (security) headers, Content-Security-Policy, sessions and upload limits: config/security.py
from config import security as _security  # noqa: E402

MIDDLEWARE = _security.middleware(MIDDLEWARE)
from config.security import *  # noqa: E402,F403
