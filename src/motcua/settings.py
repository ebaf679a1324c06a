"""Django settings. Everything a deployment changes comes from MOTCUA_* environment variables."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.functional import lazy

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", Path.cwd() / "var"))

DEBUG = os.environ.get("MOTCUA_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", "insecure-development-key-change-me")
ALLOWED_HOSTS = os.environ.get("MOTCUA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
# The demo enables the citizen picker (a stand-in for e-ID login) and seeded accounts.
DEMO_MODE = os.environ.get("MOTCUA_DEMO", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "motcua.core",
    "motcua.catalog",
    "motcua.identity",
    "motcua.registries",
    "oauth2_provider",
    "motcua.eid",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.payments",
    "motcua.metrics",
    "motcua.api",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.middleware.RejectNulCharacters",  # after authentication: who asks is known first
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# motcua.eid.standalone_urls serves only the bundled e-ID provider, as a process of its own.
ROOT_URLCONF = os.environ.get("MOTCUA_ROOT_URLCONF", "motcua.urls")
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context.site",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """sqlite:///path or postgres://user@host:port/name."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path[1:]) if parsed.path.startswith("//") else unquote(parsed.path),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                        "transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/"),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("MOTCUA_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"unsupported database URL scheme: {parsed.scheme}")


DATABASES = {
    "default": database_from_url(os.environ.get("MOTCUA_DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Lockout after repeated failures, per account, for officials and e-ID accounts alike.
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MOTCUA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # behind a proxy, set AXES_IPWARE_PROXY_COUNT
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "motcua/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "motcua"

LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:queue"

def eid_signing_key() -> str:
    """The bundled e-ID provider's RSA key (PEM); generated on first use for demo and tests (read lazily:
    importing the settings writes no file)."""
    path = Path(os.environ.get("MOTCUA_EID_SIGNING_KEY_FILE", VAR_DIR / "eid-signing-key.pem"))
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        path.chmod(0o600)
    return path.read_text()


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": lazy(eid_signing_key, str)(),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "motcua.eid.validators.EidClaims",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Identity: personal ID number, name, birth date, sex, level"},
    "ALLOW_LOCALHOST_LOOPBACK": True,  # RFC 8252: loopback redirect URIs may use any port (demo, tests)
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
}

# The e-ID provider citizens log in with (OpenID Connect, authorization code + PKCE). Unset: the bundled
# provider served by this same site at /eid/.
OIDC = {
    "DISCOVERY_URL": os.environ.get("MOTCUA_OIDC_DISCOVERY_URL", ""),
    "CLIENT_ID": os.environ.get("MOTCUA_OIDC_CLIENT_ID", "motcua-portal"),
    "CLIENT_SECRET": os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "motcua-portal-demo-secret"),
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # created at start-up (core's AppConfig), not on import
# Serve app static files straight from the package (no collectstatic step for the demo).
WHITENOISE_USE_FINDERS = True

# Issued results, receipts and evidence files. A deployment points this at shared storage (or sets
# STORAGES to an object store) so every application server sees the same files.
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
MAX_UPLOAD_BYTES = int(os.environ.get("MOTCUA_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# A whole request (a submission's files, base64 in the API's JSON), refused with 413 before it is read
# (motcua.core.bodysize, in front of Django in motcua.wsgi); the reverse proxy should cap it too.
MAX_REQUEST_BYTES = int(os.environ.get("MOTCUA_MAX_REQUEST_BYTES", str(32 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Address printed in QR codes (verification, tracking): what a phone that scans the paper can reach.
PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Who holds the signing keys for results and receipts (motcua.documents.signing):
#   dev_ca   a development CA under VAR_DIR/pki issues agency and official certificates on first use;
#   pkcs12   one PKCS#12 file per signer, <dir>/<agency code or official username>.p12;
#   pkcs11   a token (HSM, USB token) through its PKCS#11 module; keys labelled by the same names.
SIGNING = {
    "BACKEND": os.environ.get("MOTCUA_SIGNING_BACKEND", "dev_ca"),
    "PKI_DIR": Path(os.environ.get("MOTCUA_PKI_DIR", VAR_DIR / "pki")),
    "PKCS12_DIR": os.environ.get("MOTCUA_SIGNING_PKCS12_DIR", ""),
    "PKCS11_MODULE": os.environ.get("MOTCUA_SIGNING_PKCS11_MODULE", ""),
    "PKCS11_TOKEN": os.environ.get("MOTCUA_SIGNING_PKCS11_TOKEN", ""),
    "PASSPHRASE": os.environ.get("MOTCUA_SIGNING_PASSPHRASE", ""),  # PKCS#12 passphrase or token PIN
    # Extra trusted root certificates (PEM files, comma-separated) for verifying signatures.
    "TRUST_ROOTS": [p for p in os.environ.get("MOTCUA_SIGNING_TRUST_ROOTS", "").split(",") if p],
}

# Online payment: the gateway plug-in (motcua.payments.gateways) and its merchant settings. Unset URLs:
# the sandbox gateway bundled at /sandbox-gateway/, which speaks the same protocol.
PAYMENTS = {
    "GATEWAY": os.environ.get("MOTCUA_PAYMENT_GATEWAY", "vnpay"),
    "TMN_CODE": os.environ.get("MOTCUA_VNPAY_TMN_CODE", "MOTCUA01"),
    "HASH_SECRET": os.environ.get("MOTCUA_VNPAY_HASH_SECRET", "motcua-sandbox-hash-secret-change-me"),
    "PAY_URL": os.environ.get("MOTCUA_VNPAY_PAY_URL", ""),
    "API_URL": os.environ.get("MOTCUA_VNPAY_API_URL", ""),
}
SANDBOX_GATEWAY = os.environ.get("MOTCUA_SANDBOX_GATEWAY", "1") == "1"

# Outbox consumers (index roll-ups): drained right after each commit when inline (demo, tests, one server);
# a deployment sets 0 and runs `motcua outbox run` workers.
OUTBOX_INLINE = os.environ.get("MOTCUA_OUTBOX_INLINE", "1") == "1"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "WARNING")},
}
