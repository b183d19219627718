"""Shanzhi settings: one file, driven by environment variables.

Defaults give the embedded deployment: SQLite under ``var/``, the database task
backend and a generated secret key. Production sets ``DATABASE_URL`` (PostgreSQL),
``SHANZHI_SECRET_KEY``, ``SHANZHI_ALLOWED_HOSTS`` and serves behind HTTPS; see
docs/deploy.md for every variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("SHANZHI_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_var(filename: str, make) -> str:
    """Read a secret kept in ``var/``; create it on first run, readable by the owner only."""
    path = VAR_DIR / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SHANZHI_SECRET_KEY") or _secret_from_var(
    "secret_key", lambda: secrets.token_urlsafe(50)
)


def _new_field_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# Keys for personal fields encrypted at rest (ID numbers). Comma-separated; the first
# encrypts, all decrypt, so a key can be rotated in without losing old values.
FIELD_ENCRYPTION_KEYS = env_list("SHANZHI_FIELD_KEYS") or [
    _secret_from_var("field_keys", _new_field_key)
]
# The key of the blind indexes that find an encrypted ID number or phone number without
# decrypting (registry/blindindex.py). Every host of a deployment shares it; changing it
# needs `manage.py registry_rotate_keys --reindex`.
BLIND_INDEX_KEY = os.environ.get("SHANZHI_BLIND_INDEX_KEY") or _secret_from_var(
    "blind_index_key", lambda: secrets.token_urlsafe(48)
)

DEBUG = env_bool("SHANZHI_DEBUG")
# The demo district prints its logins and shows a "synthetic data" banner.
DEMO_MODE = env_bool("SHANZHI_DEMO")
# Extra endpoints for the benchmarks in bench/ (a bare insert view as their baseline).
BENCH_ENDPOINTS = env_bool("SHANZHI_BENCH")
# Plain HTTP on a loopback address (the local demo). Anything else is served over HTTPS.
PLAIN_HTTP = env_bool("SHANZHI_PLAIN_HTTP")

ALLOWED_HOSTS = env_list("SHANZHI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("SHANZHI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "shanzhi.core",
    "shanzhi.org",
    "shanzhi.registry",
    "shanzhi.duties",
    "shanzhi.cases",
    "shanzhi.demo",
    "shanzhi.portal",
    "shanzhi.patrol",
    "shanzhi.console",
    "shanzhi.disputes",
    "shanzhi.petitions",
    "shanzhi.legal",
    "shanzhi.enforcement",
    "ninja",
    "shanzhi.api",
    "shanzhi.open311",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shanzhi.urls"
WSGI_APPLICATION = "shanzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shanzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shanzhi.demo.context_processors.demo",
                "shanzhi.portal.inbox.unread_count",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SHANZHI_SQLITE_PATH", VAR_DIR / "shanzhi.sqlite3"),
            "OPTIONS": {
                # Writers take the lock when the transaction starts, so two writers wait
                # for each other instead of failing with "database is locked" mid-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            # A file, not SQLite's shared-cache memory database, so that tests with
            # several connections lock and wait exactly as production does (one file per
            # test process, so that runs side by side do not share it).
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (Django Tasks API) -------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Users and authentication -----------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "shanzhi.core.auth.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Behind a reverse proxy (nginx) that sets X-Forwarded-Proto and appends the client's
# address to X-Forwarded-For. Off: both headers are ignored, as any client can send them.
BEHIND_PROXY = env_bool("SHANZHI_BEHIND_PROXY")

# Failed-login throttling: after 5 failures for the same account from the same address
# the account is locked for that address for 15 minutes. Failures count per account
# whatever spelling of the name or phone number was typed; an address that fails 50
# times over any accounts is locked as a whole.
LOGIN_FAILURE_LIMIT = int(os.environ.get("SHANZHI_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SHANZHI_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_FAILURE_LIMIT = "shanzhi.core.auth.failure_limit"
AXES_USERNAME_CALLABLE = "shanzhi.core.auth.throttle_key"
AXES_CLIENT_IP_CALLABLE = "shanzhi.core.auth.client_ip"
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SHANZHI_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Security headers -------------------------------------------------------------
MAP_TILE_URL = os.environ.get("SHANZHI_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("SHANZHI_MAP_TILE_ATTRIBUTION", "")


def _tile_origin(url: str) -> list[str]:
    """The CSP source of a tile URL template. Servers that spread tiles over subdomains
    ("https://t{s}.tianditu.gov.cn/…") get a wildcard for the whole label holding {s}
    (and any labels left of it, since CSP allows a wildcard only as the leftmost label)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "__s__"))
    if not parts.scheme or not parts.hostname:
        return []
    labels = parts.hostname.split(".")
    marked = [n for n, label in enumerate(labels) if "__s__" in label]
    if marked:
        labels = ["*", *labels[marked[-1] + 1 :]]
    port = f":{parts.port}" if parts.port else ""
    return [f"{parts.scheme}://{'.'.join(labels)}{port}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_origin(MAP_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
HTTPS = not DEBUG and not PLAIN_HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SHANZHI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shanzhi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "shanzhi.core.staticfinders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "SHANZHI_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Governance structure -----------------------------------------------------------
# Overlap between sibling grids (and a grid sticking out of its parent) below this many
# square metres is treated as digitising noise, not as a conflict.
GRID_OVERLAP_TOLERANCE_M2 = float(os.environ.get("SHANZHI_GRID_TOLERANCE_M2", "25"))

# --- Notifications ------------------------------------------------------------------
# Channels every notification goes out on: in-platform always; email and SMS when set.
NOTIFICATION_CHANNELS = env_list("SHANZHI_NOTIFICATION_CHANNELS", "inapp")
SMS_BACKEND = os.environ.get("SHANZHI_SMS_BACKEND", "shanzhi.core.notify.LoggingSmsBackend")
# Tell callers without an account of their case's progress by text message (to the number
# they gave), through SMS_BACKEND.
SMS_TO_CALLERS = env_bool("SHANZHI_SMS_TO_CALLERS", True)
# Spreadsheet imports into the grid registry (docs/registry-io.md): the largest upload,
# the most rows, rows per committed batch, seconds without progress before an import
# counts as interrupted (and may be resumed), days an upload is kept.
REGISTRY_IMPORT_MAX_BYTES = int(os.environ.get("SHANZHI_IMPORT_MAX_MB", "20")) * 2**20
REGISTRY_IMPORT_MAX_ROWS = int(os.environ.get("SHANZHI_IMPORT_MAX_ROWS", "200000"))
REGISTRY_IMPORT_BATCH = int(os.environ.get("SHANZHI_IMPORT_BATCH", "2000"))
REGISTRY_IMPORT_STALL_SECONDS = int(os.environ.get("SHANZHI_IMPORT_STALL_SECONDS", "120"))
REGISTRY_IMPORT_KEEP_DAYS = int(os.environ.get("SHANZHI_IMPORT_KEEP_DAYS", "7"))
# The address residents reach the portal at (e.g. https://12345.example.gov.cn), for the
# links in text messages (a caller's link to rate their case). Without it, no link is sent.
PUBLIC_URL = os.environ.get("SHANZHI_PUBLIC_URL", "").rstrip("/")
EMAIL_BACKEND = os.environ.get(
    "SHANZHI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("SHANZHI_FROM_EMAIL", "shanzhi@localhost")

# --- Cases ----------------------------------------------------------------------------
CASE_MAX_ATTACHMENTS = int(os.environ.get("SHANZHI_CASE_MAX_ATTACHMENTS", "6"))
CASE_MAX_ATTACHMENT_BYTES = int(os.environ.get("SHANZHI_CASE_MAX_ATTACHMENT_MB", "10")) * 2**20
# Evidence of an enforcement step (photos, audio, video of the full-process record).
ENFORCEMENT_MAX_FILES = int(os.environ.get("SHANZHI_ENFORCEMENT_MAX_FILES", "20"))
ENFORCEMENT_MAX_FILE_BYTES = int(os.environ.get("SHANZHI_ENFORCEMENT_MAX_FILE_MB", "200")) * 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
# When a clock runs out, notify the leaders one level above the responsible body.
ESCALATE_OVERDUE = env_bool("SHANZHI_ESCALATE_OVERDUE", True)

# --- Machine interfaces (JSON API under /api/v1/, docs/api.md) ------------------------
# Requests per minute an integration may make unless its own limit says otherwise;
# counted per token in a fixed one-minute window kept in the database.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("SHANZHI_API_RATE_LIMIT", "120"))
# The longest case description the API takes (Open311 GeoReport v2 caps it at 4,000).
API_DESCRIPTION_MAX_CHARS = 4000

# --- Working-day calendar -----------------------------------------------------------
# Office hours for clocks counted in working hours, as HH:MM-HH:MM periods.
WORKING_HOURS = os.environ.get("SHANZHI_WORKING_HOURS", "08:30-12:00,13:30-17:30")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHANZHI_LOG_LEVEL", "WARNING")},
    # Failed sign-ins are recorded in the database by django-axes; no need to log each.
    "loggers": {"axes": {"level": "ERROR"}},
}
