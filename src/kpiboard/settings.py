"""Django settings for kpiboard.

Every setting that a deployment may change is read from the environment and documented in
``docs/settings.md`` (a test fails when one is not).
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()  # ModelAdmin[Model] and friends at run time

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KPIBOARD_DATA_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("KPIBOARD_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("KPIBOARD_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KPIBOARD_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kpiboard.core",
    "kpiboard.kpis",
    "kpiboard.data",
    "kpiboard.accounts",
    "kpiboard.workflow",
    "kpiboard.audit",
    "kpiboard.web",
    "kpiboard.dashboard",
    "kpiboard.reportfiles",
    "kpiboard.sitepages",
    "csp",
]

MIDDLEWARE = [
    "kpiboard.core.requestid.RequestIdMiddleware",  # first: every log record has the id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kpiboard.accounts.middleware.AccessMiddleware",
    "kpiboard.accounts.twofactor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: turns a locked-out sign-in into the lockout page (kpiboard.accounts.lockout)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpiboard.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kpiboard.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "kpiboard.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'kpiboard.sqlite3'}"),
        conn_max_age=60,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("KPIBOARD_STATIC_ROOT", DATA_DIR / "static"))

# Static files are served by WhiteNoise straight from the apps' static folders (no collectstatic
# step is needed to run; `kpiboard manage collectstatic` still works for a CDN or proxy).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "dashboard:index"
LOGOUT_REDIRECT_URL = "dashboard:index"

def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return value in {"1", "true", "yes", "on"} if value else default


# Sign-in (docs/sign-in.md). django-axes checks every sign-in before the password: an
# account is locked after KPIBOARD_SIGNIN_FAILURE_LIMIT failures, an address (a whole office
# behind one NAT address) after KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT, each for
# KPIBOARD_SIGNIN_LOCKOUT_MINUTES after the last failed try.
# (AUTHENTICATION_BACKENDS is set with single sign-on's settings below.)
AXES_FAILURE_LIMIT = _env_int("KPIBOARD_SIGNIN_FAILURE_LIMIT", 5)
KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT = _env_int("KPIBOARD_SIGNIN_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("KPIBOARD_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_HANDLER = "kpiboard.accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_CALLABLE = "kpiboard.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kpiboard.accounts.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # kept even when there is no organisation to audit in
AXES_RESET_ON_SUCCESS = False  # a success must not wipe an address's count of failures
AXES_VERBOSE = False
# masked in what axes stores of a failed try (the password always is)
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
KPIBOARD_TRUSTED_PROXY_COUNT = _env_int("KPIBOARD_TRUSTED_PROXY_COUNT", 0)

# Passwords as the NCSC advises: length, not composition rules, no expiry; a list of
# common passwords, and none like the person's own name or username.
KPIBOARD_PASSWORD_MIN_LENGTH = _env_int("KPIBOARD_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": KPIBOARD_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour

# Sessions: signed in for KPIBOARD_SESSION_HOURS from signing in (not extended by use).
SESSION_COOKIE_AGE = _env_int("KPIBOARD_SESSION_HOURS", 8) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = _env_bool("KPIBOARD_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# A second factor (an authenticator app's six-digit code, TOTP) for local accounts; required
# of the roles named in KPIBOARD_REQUIRE_2FA_FOR (for example "administrator").
KPIBOARD_REQUIRE_2FA_FOR = frozenset(
    r.strip() for r in os.environ.get("KPIBOARD_REQUIRE_2FA_FOR", "").split(",") if r.strip())
OTP_TOTP_ISSUER = os.environ.get("KPIBOARD_OTP_ISSUER", "kpiboard")

# Email (password reset): SMTP when KPIBOARD_EMAIL_HOST is set, otherwise each message is
# written to standard error (fine for trying kpiboard out, never for production).
EMAIL_HOST = os.environ.get("KPIBOARD_EMAIL_HOST", "")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = _env_int("KPIBOARD_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("KPIBOARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KPIBOARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KPIBOARD_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("KPIBOARD_EMAIL_FROM", "kpiboard@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Single sign-on with OpenID Connect (mozilla-django-oidc; docs/security.md, "Single sign-on"):
# on when an issuer is set. The provider's endpoints come from its discovery document.
SSO_ISSUER = os.environ.get("KPIBOARD_OIDC_ISSUER", "").strip()
SSO_ENABLED = bool(SSO_ISSUER)
SSO_ONLY = SSO_ENABLED and os.environ.get("KPIBOARD_OIDC_ONLY", "").strip().lower() in {
    "1", "true", "yes", "on"}
SSO_LABEL = os.environ.get("KPIBOARD_OIDC_LABEL", "") or "Sign in with your council account"
OIDC_RP_CLIENT_ID = os.environ.get("KPIBOARD_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("KPIBOARD_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("KPIBOARD_OIDC_SCOPES", "") or "openid profile email"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
# Passwords are refused everywhere (the admin's sign-in too) when single sign-on is the only way.
# django-axes's backend comes first: it refuses a locked-out account or address.
# The password backend comes before single sign-on's: a session made by force_login or by a
# password sign-in is a local one (two-step sign-in applies to local sign-ins only).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *([] if SSO_ONLY else ["django.contrib.auth.backends.ModelBackend"]),
    "kpiboard.accounts.sso.SsoBackend",
]

# Which organisation the web application shows; by default the first one (by name).
KPIBOARD_ORGANISATION = os.environ.get("KPIBOARD_ORGANISATION", "")

# Report files (PDF, Word, Excel) are built in the background (docs/reports.md, "Report files"):
# by a Celery worker (`kpiboard worker`) when a broker is set, else in-process. Which
# combinations are built when a period is published: "main", "all", "none" or a list.
BROKER_URL = os.environ.get("KPIBOARD_BROKER_URL", "").strip()
REPORT_FILES_ON_PUBLISH = os.environ.get("KPIBOARD_REPORT_FILES", "main").strip()
REPORT_FILES_DIR = DATA_DIR / "reports"

# STATIC_ROOT only exists after `kpiboard manage collectstatic`; until then WhiteNoise serves the
# apps' static folders (WHITENOISE_USE_FINDERS) and need not warn on every request.
warnings.filterwarnings("ignore", message="No directory at")

# Logging: everything to standard error (where gunicorn, systemd and containers collect it).
# A server error is logged by django.request with its full traceback, whatever DEBUG says
# (Django's own default only mails it to ADMINS when DEBUG is off). docs/settings.md.
LOG_LEVEL = os.environ.get("KPIBOARD_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record carries the request id (kpiboard.core.requestid): "-" outside a request.
    "filters": {"request_id": {"()": "kpiboard.core.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                   "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # ERROR: 500s with their tracebacks; WARNING would add every 404 and 403.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "kpiboard": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
    },
}


# --- Production: HTTPS, cookies, security headers (issue 11, point 4) ------------------------
# docs/settings.md#kpiboard_https. Other blocks (sign-in, single sign-on, background worker)
# keep their settings in blocks of their own below.


def _env_flag(name: str, default: bool = False) -> bool:
    """An on/off setting: true/1/yes/on or false/0/no/off (any case); unset is the default."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true or false")


HTTPS = _env_flag("KPIBOARD_HTTPS")
if HTTPS:
    # The TLS proxy in front says the request came over HTTPS with X-Forwarded-Proto: https
    # (it must set the header itself, never pass on the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    _hsts = os.environ.get("KPIBOARD_HSTS_SECONDS", str(365 * 24 * 3600)).strip()
    if not _hsts.isdigit():
        raise ImproperlyConfigured(f"KPIBOARD_HSTS_SECONDS={_hsts!r}: a whole number of seconds")
    SECURE_HSTS_SECONDS = int(_hsts)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("KPIBOARD_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_flag("KPIBOARD_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# The container's health check asks over plain HTTP, from inside: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _trusted_origins() -> list[str]:
    """KPIBOARD_CSRF_TRUSTED_ORIGINS, or with HTTPS on, https:// and each allowed host."""
    raw = os.environ.get("KPIBOARD_CSRF_TRUSTED_ORIGINS")
    if raw is not None:
        return [o.strip() for o in raw.split(",") if o.strip()]
    if not HTTPS:
        return []
    return [f"https://*{h}" if h.startswith(".") else f"https://{h}"
            for h in ALLOWED_HOSTS if h != "*"]


CSRF_TRUSTED_ORIGINS = _trusted_origins()

# Content-Security-Policy (django-csp 4): scripts only from kpiboard's own static files — no
# inline script or event handler anywhere. Styles may be inline ('unsafe-inline' for style-src
# only): the organisation's colours, the RAG tags' colours and the charts' SVG are set in
# style attributes. Images may come from any https address (an organisation's logo_url).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
