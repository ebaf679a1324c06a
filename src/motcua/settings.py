"""Django settings. Everything a deployment changes comes from MOTCUA_* environment variables."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONE, SELF
from django.utils.functional import lazy

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", Path.cwd() / "var"))

DEBUG = os.environ.get("MOTCUA_DEBUG", "0") == "1"
# The variables of secrets still at their published default: the server refuses to start while there are
# any, unless DEBUG or the demo is on (motcua.wsgi).
UNSET_SECRETS: list[str] = []


def secret(variable: str, published_default: str) -> str:
    """A secret from the environment; its published default lets the demo and the tests run as they are."""
    value = os.environ.get(variable) or published_default
    if value == published_default:
        UNSET_SECRETS.append(variable)
    return value


SECRET_KEY = secret("MOTCUA_SECRET_KEY", "insecure-development-key-change-me")
# Keys that seal secrets kept in the database (motcua.core.sealing), newest first: `motcua rekey` after
# putting a new one in front. Fernet keys (`motcua rekey --new-key` prints one).
KEY_ENCRYPTION_KEYS = secret("MOTCUA_KEY_ENCRYPTION_KEYS",
                             "bW90Y3VhLWRlbW8ta2V5LWVuY3J5cHRpb24ta2V5LSE=").split(",")
ALLOWED_HOSTS = os.environ.get("MOTCUA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
# The demo enables the citizen picker (a stand-in for e-ID login) and seeded accounts.
DEMO_MODE = os.environ.get("MOTCUA_DEMO", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # the API's documentation page from its bundled files, with no inline script
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
    "motcua.petitions",
    "motcua.organisations",
    "motcua.representation",
    "motcua.payments",
    "motcua.metrics",
    "motcua.audit",
    "motcua.notifications",
    "motcua.proactive",
    "motcua.nationalportal",
    "motcua.exchange",
    "motcua.api",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.demo",
]

MIDDLEWARE = [
    "motcua.core.logs.RequestContext",  # first: every later line, and every refusal, names the request
    "motcua.core.middleware.KnownMethods",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.middleware.RejectNulCharacters",  # after authentication: who asks is known first
    "django_otp.middleware.OTPMiddleware",
    "motcua.identity.sessions.SessionLimits",  # after authentication: it may end the login
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
                "motcua.notifications.context.unread",  # the inbox's unread badge in the page header
            ],
        },
    },
]


# Connection parameters a PostgreSQL URL may carry in its query (libpq's names), passed on to the driver:
# TLS to the server and its verification above all (sslmode=verify-full&sslrootcert=/path/ca.pem).
POSTGRES_URL_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "connect_timeout",
                        "application_name", "target_session_attrs")


def database_from_url(url: str) -> dict:
    """sqlite:///path or postgres://user@host:port/name[?sslmode=…&sslrootcert=…]."""
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
            "OPTIONS": _postgres_options(parse_qs(parsed.query)),
        }
    raise ValueError(f"unsupported database URL scheme: {parsed.scheme}")


def _postgres_options(query: dict[str, list[str]]) -> dict[str, str]:
    unknown = set(query) - set(POSTGRES_URL_OPTIONS)
    if unknown:  # a misspelt sslmode must not silently mean "no TLS"
        raise ValueError(f"unknown database URL parameter(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(POSTGRES_URL_OPTIONS)}")
    return {name: values[-1] for name, values in query.items()}


DATABASES = {
    "default": database_from_url(os.environ.get("MOTCUA_DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Officials' passwords (e-ID accounts belong to the provider): at least 12 characters, not a known common
# password, not all digits, not close to the username or name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
AUTHENTICATION_BACKENDS = ["motcua.identity.lockout.AddressLimit", "axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
# And failures from one address, whatever usernames it tries: at most this many in the window.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_ADDRESS_WINDOW = timedelta(minutes=int(os.environ.get("MOTCUA_LOGIN_ADDRESS_WINDOW_MINUTES", "15")))
# Lockout after repeated failures of one username from one address (both together: failures elsewhere lock
# no one out), for officials and e-ID accounts alike; each lockout of the day lasts longer (identity.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_COOLOFF_MINUTES = [int(m) for m in os.environ.get("MOTCUA_LOGIN_COOLOFF_MINUTES", "1,5,15,60").split(",")]
AXES_COOLOFF_TIME = "motcua.identity.lockout.cooloff"
AXES_USE_ATTEMPT_EXPIRATION = True  # each lockout expires after its own cool-off
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the earlier lockouts the cool-off grows with
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Behind MOTCUA_PROXY_COUNT reverse proxies that each append to X-Forwarded-For, a client's address is the one
# the outermost proxy saw (django-ipware counts the proxies listed in the header: all but the nearest one);
# entries a client wrote into the header itself are ignored.
PROXY_COUNT = int(os.environ.get("MOTCUA_PROXY_COUNT", "0"))
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    IPWARE_STRICT = False
AXES_LOCKOUT_TEMPLATE = "motcua/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "motcua"
# Officials are offered a second factor (an authenticator app) and, once enrolled, always asked for it.
# Administrators must use one; so must these roles (leaders sign results in their own name). The demo's
# accounts log in with their password alone unless the variable is set.
SECOND_FACTOR_ROLES = [r for r in os.environ.get("MOTCUA_SECOND_FACTOR_ROLES", "" if DEMO_MODE else "leader")
                       .split(",") if r]

# A password an operator hands over (`motcua officials create`, `reset-password`) is spent by the official's first
# login, and unused it lapses after this many hours: a new one must then be asked for.
ONE_TIME_PASSWORD_HOURS = int(os.environ.get("MOTCUA_ONE_TIME_PASSWORD_HOURS", "72"))

LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:queue"

# The bundled e-ID provider's RSA key: created 0600 on first use (demo and tests); refused outside the demo
# when other users may read it.
EID_SIGNING_KEY_FILE = Path(os.environ.get("MOTCUA_EID_SIGNING_KEY_FILE", VAR_DIR / "eid-signing-key.pem"))


def eid_signing_key() -> str:
    """The bundled e-ID provider's RSA key (PEM); generated on first use for demo and tests (read lazily:
    importing the settings writes no file)."""
    from motcua.core import keyfiles

    if not EID_SIGNING_KEY_FILE.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        keyfiles.create(EID_SIGNING_KEY_FILE, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return keyfiles.read(EID_SIGNING_KEY_FILE, allow_exposed=DEMO_MODE).decode()


# django-oauth-toolkit's models, named so that other apps' migrations may refer to them (the e-ID's logins for
# an organisation keep their authorization code and access token).
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": lazy(eid_signing_key, str)(),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "motcua.eid.validators.EidClaims",
    # openid, profile and one scope per capability of the API an app may use (motcua.eid.scopes, docs/api-access.md)
    "SCOPES_BACKEND_CLASS": "motcua.eid.scopes.EidScopes",
    # Access tokens are signed JWTs (RFC 9068) the API checks against the provider's keys; refresh tokens opaque.
    "ACCESS_TOKEN_GENERATOR": "motcua.eid.access_tokens.signed_access_token",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    # Redirect URIs match exactly as registered; only the demo lets loopback ones use any port (RFC 8252).
    "ALLOW_LOCALHOST_LOOPBACK": DEMO_MODE,
    # end_session_endpoint (OpenID Connect RP-Initiated Logout): a relying party ends the provider's login too.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,  # asked only when the hint is not the person logged in
    # An access token lives five minutes: a revocation the API cannot see (docs/api-access.md) ends with it.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    # An app keeps its login while it refreshes within two weeks; each refresh gives a new refresh token and ends
    # the old one (rotation). The portal keeps none: those its logins get end unused and `motcua retention`
    # deletes them. A client may revoke its tokens at the revocation endpoint (RFC 7009).
    "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    # RFC 9700 (OAuth 2.0 security best current practice): code flow with S256 PKCE only, tokens only in
    # headers and stored hashed, the issuer named in the authorization response, replayed refresh tokens
    # revoke their family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

# The e-ID provider citizens log in with (OpenID Connect, authorization code + PKCE). Unset: the bundled
# provider served by this same site at /eid/, which the portal reaches in-process.
# The bundled provider is a test provider: served (and trusted) in the demo, the tests, or where an operator
# turns it on (MOTCUA_BUNDLED_EID=1, e.g. a training site or its own process); elsewhere /eid/ is not found.
BUNDLED_EID = DEMO_MODE or os.environ.get("MOTCUA_BUNDLED_EID", "0") == "1"
OIDC = {
    "DISCOVERY_URL": os.environ.get("MOTCUA_OIDC_DISCOVERY_URL", ""),
    "CLIENT_ID": os.environ.get("MOTCUA_OIDC_CLIENT_ID", "motcua-portal"),
    "CLIENT_SECRET": secret("MOTCUA_OIDC_CLIENT_SECRET", "motcua-portal-demo-secret"),
    # Longest wait for an external provider (discovery, keys and token endpoint; discovery and keys are cached).
    "TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_OIDC_TIMEOUT_SECONDS", "5")),
    # The provider's `acr` values and the e-ID level each asserts (the bundled provider issues these).
    "ACR_LEVELS": {"urn:motcua:eid:level1": 1, "urn:motcua:eid:level2": 2},
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
# Evidence files and issued documents are personal data: readable by the service's own account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Days each kind of working data is kept after it was last useful (motcua.core.retention, `motcua retention`):
# ended sessions, "my sessions" rows, login attempts and failures, the e-ID provider's expired tokens, outbox
# events every consumer has passed. Records of the State (journals, access logs) are never deleted.
RETENTION_DEFAULT_DAYS = {"sessions": 0, "session_records": 1, "login_attempts": 90, "oauth_tokens": 0, "outbox": 30,
                          "notifications": 365}


def _named_numbers(variable: str, defaults: dict[str, int], unit: str) -> dict[str, int]:
    """``name=number,…`` from the environment, over the defaults; only the names to change need be given."""
    numbers = dict(defaults)
    for item in filter(None, (part.strip() for part in os.environ.get(variable, "").split(","))):
        name, _, value = item.partition("=")
        if name not in numbers or not value.isdigit():
            raise ValueError(f"{variable}: '{item}' is not name={unit}, with a name among "
                             f"{', '.join(sorted(numbers))}")
        numbers[name] = int(value)
    return numbers


RETENTION_DAYS = _named_numbers("MOTCUA_RETENTION_DAYS", RETENTION_DEFAULT_DAYS, "days")
# Requests per minute one address may make, without logging in, to what costs the server or could be walked
# through (motcua.core.ratelimit): checking an uploaded document, looking a dossier up by its code.
# The cache every process shares when a deployment runs several (rate limits): Redis at MOTCUA_REDIS_URL
# (redis://host:6379/0). Without it each process keeps its own.
REDIS_URL = os.environ.get("MOTCUA_REDIS_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
          if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATE_LIMITS = _named_numbers("MOTCUA_RATE_LIMITS", {"verify": 20, "track": 60}, "requests per minute")
# Working days a registry's keeper has to answer a report of wrong data (accept and correct, or reject with the
# reason); overdue reports are flagged in the keeper's queue.
CORRECTION_ANSWER_DAYS = int(os.environ.get("MOTCUA_CORRECTION_ANSWER_DAYS", "5"))
# Working days an agency has to answer a petition (phản ánh, kiến nghị). 10 is the time usually quoted from
# Decree 20/2008/NĐ-CP on receiving and handling petitions on administrative regulations (as amended); the article
# could not be checked against the decree's text here: unverified, set it to the rule in force.
PETITION_ANSWER_WORKING_DAYS = int(os.environ.get("MOTCUA_PETITION_ANSWER_WORKING_DAYS", "10"))
# Reconciling other agencies' datasets and digitizing old registers: the largest file read (bigger ones are
# refused with a report, before anything is read), the engine of the record linkage (duckdb in-process, or
# spark: a local Spark unless the deployment's code passes its cluster's session), the probability at or above
# which a record is linked to a person, and where the linkage spills to disk (the system's temporary folder).
RECONCILE_MAX_BYTES = int(os.environ.get("MOTCUA_RECONCILE_MAX_BYTES", str(8 * 1024**3)))
RECONCILE_ENGINE = os.environ.get("MOTCUA_RECONCILE_ENGINE", "duckdb")
RECONCILE_THRESHOLD = float(os.environ.get("MOTCUA_RECONCILE_THRESHOLD", "0.9"))
RECONCILE_WORK_DIR = os.environ.get("MOTCUA_RECONCILE_WORK_DIR") or None
# The service index ranks a unit only with at least this many dossiers received in the period; fewer are shown
# "not ranked" with their figures, after the ranked units (docs/index766.md).
INDEX_MIN_DOSSIERS = int(os.environ.get("MOTCUA_INDEX_MIN_DOSSIERS", "10"))
# Dossiers one person may file online in a day (a cap against flooding an agency's queue; counters are not capped).
DAILY_SUBMISSIONS_PER_APPLICANT = int(os.environ.get("MOTCUA_DAILY_SUBMISSIONS_PER_APPLICANT", "20"))
MAX_UPLOAD_BYTES = int(os.environ.get("MOTCUA_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# A whole request (a submission's files, base64 in the API's JSON), refused with 413 before it is read
# (motcua.core.bodysize, in front of Django in motcua.wsgi); the reverse proxy should cap it too.
MAX_REQUEST_BYTES = int(os.environ.get("MOTCUA_MAX_REQUEST_BYTES", str(32 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Address printed in QR codes (verification, tracking): what a phone that scans the paper can reach.
PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Who the access tokens of apps are for (RFC 9068 `aud`): this site's API. An external provider issues its tokens
# for the same identifier (the API registered with it as a resource).
API_AUDIENCE = os.environ.get("MOTCUA_API_AUDIENCE", f"{PUBLIC_URL}/api")
# The mobile app's private-use redirect scheme (reverse domain name, RFC 8252 §7.1), registered with its client.
APP_URI_SCHEME = os.environ.get("MOTCUA_APP_URI_SCHEME", "vn.gov.motcua.app")
# How long the API trusts an external provider's answer that a token is active (RFC 7662 introspection): a
# token revoked there is refused here within this many seconds.
TOKEN_INTROSPECTION_CACHE_SECONDS = int(os.environ.get("MOTCUA_TOKEN_INTROSPECTION_CACHE_SECONDS", "30"))

# Who answers for the personal data the portal handles, as its privacy notice (/quyen-rieng-tu/) names them.
PRIVACY = {
    "CONTROLLER": os.environ.get("MOTCUA_PRIVACY_CONTROLLER", ""),  # e.g. "Văn phòng UBND tỉnh …"
    "CONTACT": os.environ.get("MOTCUA_PRIVACY_CONTACT", ""),  # an address or e-mail for requests about one's data
}

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
    # Certificates of another CA (PKCS#12, PKCS#11 keys) are checked against the revocation list or OCSP responder
    # their certificates name, fetched at most this long: "hard-fail" trusts no certificate whose revocation
    # source cannot be reached, "soft-fail" trusts it then, "require" also refuses certificates naming no source.
    "REVOCATION_MODE": os.environ.get("MOTCUA_SIGNING_REVOCATION", "hard-fail"),
    "REVOCATION_TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_SIGNING_REVOCATION_TIMEOUT_SECONDS", "5")),
    # The RFC 3161 time-stamping authority that timestamps every signature (PAdES B-T): "bundled" (this site's,
    # demo and tests, certified by the development CA), "http" (a TSA at TSA_URL), "none" (B-B).
    "TSA": os.environ.get("MOTCUA_SIGNING_TSA", "bundled"),
    "TSA_URL": os.environ.get("MOTCUA_SIGNING_TSA_URL", ""),
    "TSA_TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_SIGNING_TSA_TIMEOUT_SECONDS", "10")),
}

# The development CA (SIGNING["BACKEND"] "dev_ca") issues a key to whoever signs first and keeps its own key in
# a file: the demo only (and the tests, which turn it on). Elsewhere it refuses to sign and `motcua check --deploy`
# reports it: a deployment signs with pkcs12 or pkcs11.
DEVELOPMENT_CA = DEMO_MODE

# Inter-agency data exchange (motcua.exchange, docs/exchange.md): this instance's system in the member directory,
# the certificates trusted to sign the directory's configuration file, the clock window of signed calls, how often
# each process looks for a changed directory, the member that keeps the base registries when REGISTRY_SOURCES points
# at remote sources, and the legal basis those reads name.
EXCHANGE = {
    "SYSTEM": os.environ.get("MOTCUA_EXCHANGE_SYSTEM", ""),  # e.g. "HN.motcua"
    "ANCHORS": os.environ.get("MOTCUA_EXCHANGE_ANCHORS", ""),  # a PEM file
    "CLOCK_WINDOW_SECONDS": int(os.environ.get("MOTCUA_EXCHANGE_CLOCK_WINDOW_SECONDS", "300")),
    "DIRECTORY_REFRESH_SECONDS": float(os.environ.get("MOTCUA_EXCHANGE_DIRECTORY_REFRESH_SECONDS", "5")),
    "TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_EXCHANGE_TIMEOUT_SECONDS", "10")),
    "LOG_SHARDS": int(os.environ.get("MOTCUA_EXCHANGE_LOG_SHARDS", "8")),
    "REGISTRY_PROVIDER": os.environ.get("MOTCUA_EXCHANGE_REGISTRY_PROVIDER", ""),  # e.g. "BCA.dancu"
    "LEGAL_BASIS": os.environ.get("MOTCUA_EXCHANGE_LEGAL_BASIS", "47/2020/ND-CP"),
    # Registry events delivered to subscribers (motcua.exchange.subscriptions): right after the commit that
    # recorded them where no `motcua exchange deliver` worker runs, and how failures are retried.
    "DELIVERY_INLINE": os.environ.get("MOTCUA_EXCHANGE_DELIVER_INLINE",
                                      "1" if os.environ.get("MOTCUA_OUTBOX_INLINE", "1") == "1" else "0") == "1",
    "DELIVERY_BATCH": int(os.environ.get("MOTCUA_EXCHANGE_DELIVERY_BATCH", "50")),
    "DELIVERY_LEASE_SECONDS": int(os.environ.get("MOTCUA_EXCHANGE_DELIVERY_LEASE_SECONDS", "120")),
    "DELIVERY_RETRY_SECONDS": float(os.environ.get("MOTCUA_EXCHANGE_DELIVERY_RETRY_SECONDS", "30")),
    "DELIVERY_RETRY_MAX_SECONDS": float(os.environ.get("MOTCUA_EXCHANGE_DELIVERY_RETRY_MAX_SECONDS", "3600")),
    "DELIVERY_MAX_ATTEMPTS": int(os.environ.get("MOTCUA_EXCHANGE_DELIVERY_MAX_ATTEMPTS", "12")),
}
# Registry sources replaced by another class (motcua.registries.sources), e.g. the remote ones:
# MOTCUA_REGISTRY_SOURCES="population=motcua.exchange.sources.RemotePopulation,residence=…"
REGISTRY_SOURCES = dict(item.split("=", 1) for item in os.environ.get("MOTCUA_REGISTRY_SOURCES", "").split(",")
                        if "=" in item)

# The system key that signs audit seals (`motcua audit seal`): a PKCS#12 file <name>.p12 or a token label.
AUDIT_SIGNER = os.environ.get("MOTCUA_AUDIT_SIGNER", "motcua-audit")

# Online payment: the gateway plug-in (motcua.payments.gateways) and its merchant settings. Unset URLs:
# the sandbox gateway bundled at /sandbox-gateway/, which speaks the same protocol.
# Evidence files are scanned for malware before anything of a submission is kept (motcua.dossiers.scanners):
# "clamav" asks clamd at CLAMD_ADDRESS (tcp://host:3310 or unix:///run/clamav/clamd.ctl); "none" scans nothing
# (the demo; `motcua check --deploy` warns elsewhere, W153).
UPLOAD_SCANNING = {
    "SCANNER": os.environ.get("MOTCUA_UPLOAD_SCANNER", "none"),
    "CLAMD_ADDRESS": os.environ.get("MOTCUA_CLAMD_ADDRESS", "tcp://127.0.0.1:3310"),
    "TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_CLAMD_TIMEOUT_SECONDS", "30")),
}
PAYMENTS = {
    "GATEWAY": os.environ.get("MOTCUA_PAYMENT_GATEWAY", "vnpay"),
    "TMN_CODE": os.environ.get("MOTCUA_VNPAY_TMN_CODE", "MOTCUA01"),
    "HASH_SECRET": secret("MOTCUA_VNPAY_HASH_SECRET", "motcua-sandbox-hash-secret-change-me"),
    "PAY_URL": os.environ.get("MOTCUA_VNPAY_PAY_URL", ""),
    "API_URL": os.environ.get("MOTCUA_VNPAY_API_URL", ""),
}
# The sandbox gateway moves no money: it is served in the demo only (and in the tests, which turn it on), and
# signs as a merchant of its own, so nothing "paid" there verifies against a real gateway's settings.
SANDBOX_GATEWAY = DEMO_MODE

# Outbox consumers (index roll-ups): drained right after each commit when inline (demo, tests, one server);
# a deployment sets 0 and runs `motcua outbox run` workers.
OUTBOX_INLINE = os.environ.get("MOTCUA_OUTBOX_INLINE", "1") == "1"
# Notifications (motcua.notifications): the outbox consumer records one message per event and recipient and one
# delivery per channel; deliveries are sent apart from the outbox (`motcua notifications send` workers, or right
# after the commit where the outbox is drained inline), retried with a doubling wait up to MAX_ATTEMPTS.
# E-mail goes over SMTP to SMTP_HOST (unset: no e-mail; in the demo, .eml files under VAR_DIR/mail); SMS through
# the SMS gateway plug-in (the demo's "file" gateway appends to SMS_FILE, "-" for standard output); push has an
# interface only (no national app to call). A deployment's own channel classes: NOTIFICATION_CHANNELS, a dict
# {key: "dotted.path.Class"} in its settings module.
NOTIFICATIONS = {
    "SEND_INLINE": os.environ.get("MOTCUA_NOTIFY_INLINE", "1" if OUTBOX_INLINE else "0") == "1",
    "MAX_ATTEMPTS": int(os.environ.get("MOTCUA_NOTIFY_MAX_ATTEMPTS", "8")),
    "RETRY_SECONDS": float(os.environ.get("MOTCUA_NOTIFY_RETRY_SECONDS", "30")),  # the first wait; doubles
    "RETRY_MAX_SECONDS": float(os.environ.get("MOTCUA_NOTIFY_RETRY_MAX_SECONDS", str(6 * 3600))),
    "LEASE_SECONDS": float(os.environ.get("MOTCUA_NOTIFY_LEASE_SECONDS", "120")),
    "BATCH": int(os.environ.get("MOTCUA_NOTIFY_BATCH", "100")),
    # Working days a dossier handed to an agency may wait to be received before its officials are alerted.
    "ACKNOWLEDGE_WORKING_DAYS": int(os.environ.get("MOTCUA_ACKNOWLEDGE_WORKING_DAYS", "1")),
    # A member of an interlinked group handed to its agency: acknowledged within 2 working hours (Decree 63/2024).
    "GROUP_ACKNOWLEDGE_WORKING_HOURS": float(os.environ.get("MOTCUA_GROUP_ACKNOWLEDGE_WORKING_HOURS", "2")),
    "SMTP_HOST": os.environ.get("MOTCUA_SMTP_HOST", ""),
    "SMTP_PORT": int(os.environ.get("MOTCUA_SMTP_PORT", "25")),
    "SMTP_USER": os.environ.get("MOTCUA_SMTP_USER", ""),
    "SMTP_PASSWORD": os.environ.get("MOTCUA_SMTP_PASSWORD", ""),
    "SMTP_SECURITY": os.environ.get("MOTCUA_SMTP_SECURITY", "none"),  # none | starttls | tls
    "SMTP_TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_SMTP_TIMEOUT_SECONDS", "10")),
    "FROM": os.environ.get("MOTCUA_NOTIFY_FROM", "Cổng dịch vụ công motcua <no-reply@motcua.invalid>"),
    "MAIL_DIR": VAR_DIR / "mail",  # the demo's e-mail without an SMTP server
    "SMS_GATEWAY": os.environ.get("MOTCUA_SMS_GATEWAY", "file" if DEMO_MODE else ""),
    "SMS_FILE": os.environ.get("MOTCUA_SMS_FILE", str(VAR_DIR / "sms.log")),
}
# The optional relay of every outbox event to NATS JetStream (subject <prefix>.<topic>, header Nats-Msg-Id
# "<source>.<event id>" so a replayed event is dropped by the stream's duplicate window). Unset URL: no relay.
NATS = {
    "URL": os.environ.get("MOTCUA_NATS_URL", ""),  # nats://host:4222 (tls://… for TLS)
    "CREDENTIALS": os.environ.get("MOTCUA_NATS_CREDENTIALS", ""),  # a .creds file, where the server asks for one
    "STREAM": os.environ.get("MOTCUA_NATS_STREAM", "MOTCUA"),
    "SUBJECT_PREFIX": os.environ.get("MOTCUA_NATS_SUBJECT_PREFIX", "motcua"),
    "SOURCE": os.environ.get("MOTCUA_NATS_SOURCE", "motcua"),  # this installation, in every message id
    "TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_NATS_TIMEOUT_SECONDS", "5")),
}
# The national public-service portal (DVCQG), which every change of a dossier is pushed to in its data shape
# (motcua.nationalportal): the integration endpoint, its token endpoint (unset: "token" beside it) and the
# account. Unset URL: no pushes (`motcua check --deploy` warns, W173; the index's dossier-sync metric stays at 0).
# Pushes are recorded with the outbox event and sent apart (`motcua nationalportal push` workers, or right after
# the commit where the outbox is drained inline), retried with a doubling wait up to MAX_ATTEMPTS. `motcua demo`
# points it at the bundled sandbox portal.
NATIONAL_PORTAL = {
    "URL": os.environ.get("MOTCUA_NATIONAL_PORTAL_URL", ""),
    "TOKEN_URL": os.environ.get("MOTCUA_NATIONAL_PORTAL_TOKEN_URL", ""),
    "USERNAME": os.environ.get("MOTCUA_NATIONAL_PORTAL_USERNAME", ""),
    "PASSWORD": os.environ.get("MOTCUA_NATIONAL_PORTAL_PASSWORD", ""),
    "PUSH_INLINE": os.environ.get("MOTCUA_NATIONAL_PORTAL_INLINE", "1" if OUTBOX_INLINE else "0") == "1",
    "MAX_ATTEMPTS": int(os.environ.get("MOTCUA_NATIONAL_PORTAL_MAX_ATTEMPTS", "12")),
    "RETRY_SECONDS": float(os.environ.get("MOTCUA_NATIONAL_PORTAL_RETRY_SECONDS", "15")),  # the first wait; doubles
    "RETRY_MAX_SECONDS": float(os.environ.get("MOTCUA_NATIONAL_PORTAL_RETRY_MAX_SECONDS", "600")),
    "TIMEOUT_SECONDS": float(os.environ.get("MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS", "10")),
    "LEASE_SECONDS": float(os.environ.get("MOTCUA_NATIONAL_PORTAL_LEASE_SECONDS", "120")),
    "BATCH": int(os.environ.get("MOTCUA_NATIONAL_PORTAL_BATCH", "50")),
}
# The bundled sandbox national portal (/sandbox-dvcqg/) stands in for a national system: the demo only (and the
# tests, which turn it on).
SANDBOX_NATIONAL_PORTAL = DEMO_MODE
# Live dashboard streams held open at once by one ASGI process (motcua.asgi); beyond, browsers poll.
LIVE_STREAMS = int(os.environ.get("MOTCUA_LIVE_STREAMS", "500"))

SESSION_COOKIE_HTTPONLY = True
# (absolute, idle) seconds a login lasts: officials a working day, citizens shorter; both end after 30 minutes
# without a request (identity.sessions). The cookie lasts no longer than the longest.
SESSION_LIMITS = {"official": (12 * 3600, 30 * 60), "citizen": (4 * 3600, 30 * 60)}
SESSION_COOKIE_AGE = max(absolute for absolute, _idle in SESSION_LIMITS.values())
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# MOTCUA_HTTPS=1 (every production deployment): TLS ends at a reverse proxy that sets X-Forwarded-Proto,
# replacing whatever the client sent, and the application servers are reachable only through it.
HTTPS = os.environ.get("MOTCUA_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
if HTTPS:  # __Host-: the browser keeps the cookie to this exact host, secure, for the whole site
    SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^api/health$"]  # the proxy's own health probe may come in plain HTTP
# Once a browser has seen the site over HTTPS it refuses plain HTTP to the host and its subdomains for this
# long: start lower (MOTCUA_HSTS_SECONDS=3600) while trying HTTPS out. Asking browsers to ship the host in
# their preload list (MOTCUA_HSTS_PRELOAD=1) cannot be undone quickly: the domain owner's decision.
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", str(365 * 24 * 3600))) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("MOTCUA_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# The roll-ups' covering index (INCLUDE columns) is PostgreSQL's; SQLite, the embedded database, builds it on the
# key columns alone, which is all it needs at its size.
SILENCED_SYSTEM_CHECKS.append("models.W040")
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
# The bundled e-ID provider sends codes only to https callbacks, and to the e-ID app's own scheme (RFC 8252 §7.1).
OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = [*(["https"] if HTTPS else ["http", "https"]), APP_URI_SCHEME]
SECURE_REFERRER_POLICY = "same-origin"  # addresses hold dossier codes: never sent to another site


def _origin(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


# Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from this site only; no inline
# script or style, no eval, no plug-ins, no framing. Forms lead here and, through the redirects that follow
# them, to the e-ID provider and the payment gateway (and, from the bundled e-ID provider's own process, to
# the portal).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the icons of the API's documentation page
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *sorted({_origin(url) for url in (PUBLIC_URL, OIDC["DISCOVERY_URL"],
                                                                 PAYMENTS["PAY_URL"]) if url})],
    },
}
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb")}

# One line per record on standard error, JSON by default (for a log shipper: docs/deployment.md, "Logs"), or
# escaped text for a person at a terminal; every line names the request, the client's address and the actor.
# Security events (motcua.security) are always kept, from INFO up.
LOG_FORMAT = os.environ.get("MOTCUA_LOG_FORMAT", "text" if DEBUG or DEMO_MODE else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "motcua.core.logs.RequestFields"}},
    "formatters": {"json": {"()": "motcua.core.logs.JsonFormatter"},
                   "text": {"()": "motcua.core.logs.TextFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request"],
                             "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "text") else "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "WARNING")},
    "loggers": {"motcua.security": {"level": "INFO"}},
}
