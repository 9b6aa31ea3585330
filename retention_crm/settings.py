"""Peygir settings: one module, every value from the environment.

The defaults are the embedded demo (SQLite file, no broker, DEBUG on; ./run turns DEBUG
off, see docs/operations.md); production sets DEBUG=False plus the variables listed in
docs/operations.md. Settings of our own carry the PEYGIR_ prefix.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment wins

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY",
    default="dev-only-insecure-key-set-SECRET_KEY-in-production" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "auditlog",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files, no CDN
    # Peygir, from the ground up: shared helpers, then the business apps, then what reads them all.
    "core",
    "audit",
    "outbox",
    "accounts",
    "customers",
    "followups",
    "surveys",
    "loyalty",
    "dashboards",
    "api",
    "webhooks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "retention_crm.urls"
WSGI_APPLICATION = "retention_crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.peygir",
            ],
            "builtins": ["core.templatetags.peygir"],
        },
    },
]

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Behind PgBouncer in transaction mode a streamed export's server-side cursor would outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DATABASE_JIT", default=False):
    # PostgreSQL's JIT compiles a plan that reads many rows before running it: 70-211 ms for the customer
    # export's one query, more than the query itself. Peygir's statements gain nothing from it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator"},  # Django's, in the reader's digits
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every login first: too many wrong passwords lock the name and the address.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Wrong passwords are counted per user name and per address over PEYGIR_LOGIN_LOCKOUT_MINUTES;
# either limit locks (accounts/lockout.py). An office shares one address, so the address gets
# far more tries than a name. 0 minutes: locked until a manager unlocks (Accounts > Lockouts).
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
PEYGIR_LOGIN_FAILURES_PER_NAME = env.int("PEYGIR_LOGIN_FAILURES_PER_NAME", default=5)
PEYGIR_LOGIN_FAILURES_PER_ADDRESS = env.int("PEYGIR_LOGIN_FAILURES_PER_ADDRESS", default=30)
PEYGIR_LOGIN_LOCKOUT_MINUTES = env.int("PEYGIR_LOGIN_LOCKOUT_MINUTES", default=30)
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (0: clients connect directly).
PEYGIR_PROXY_COUNT = env.int("PEYGIR_PROXY_COUNT", default=0)
AXES_HANDLER = "accounts.lockout.NameAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "accounts.lockout.name_limit"  # the address's limit is scaled to it by the handler
AXES_COOLOFF_TIME = timedelta(minutes=PEYGIR_LOGIN_LOCKOUT_MINUTES) if PEYGIR_LOGIN_LOCKOUT_MINUTES else None
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Password reset: the link works for this many hours; requests per email and per address are
# limited per window (in the cache: Redis in production, so all workers share the counts).
PASSWORD_RESET_TIMEOUT = env.int("PEYGIR_PASSWORD_RESET_LINK_HOURS", default=2) * 60 * 60
PEYGIR_PASSWORD_RESET_PER_EMAIL = env.int("PEYGIR_PASSWORD_RESET_PER_EMAIL", default=3)
PEYGIR_PASSWORD_RESET_PER_ADDRESS = env.int("PEYGIR_PASSWORD_RESET_PER_ADDRESS", default=10)
PEYGIR_PASSWORD_RESET_WINDOW_MINUTES = env.int("PEYGIR_PASSWORD_RESET_WINDOW_MINUTES", default=60)
# Office computers are shared: a login lasts a working day at most (counted from logging in)
# and, unless turned off, ends when the browser closes.
PEYGIR_SESSION_HOURS = env.int("PEYGIR_SESSION_HOURS", default=10)
SESSION_COOKIE_AGE = PEYGIR_SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("PEYGIR_SESSION_ENDS_WITH_BROWSER", default=True)

# Content-Security-Policy (django-csp 4): every script, style, font and image comes from our own
# static files; an inline <script> runs only with the request's nonce; no inline style or
# handler (htmx's indicator style is in peygir.css, see base.html). https://django-csp.readthedocs.io/
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons (select arrow, close) as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's fa formats leave NUMBER_GROUPING unset; ours set it (core/formats/fa/formats.py).
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: kept only in the outbox (the "Sent emails" page) in the demo; SMTP when EMAIL_URL
# says so (e.g. smtp+tls://user:pw@host:587). consolemail:// prints them instead.
vars().update(env.email_url("EMAIL_URL", default="dummymail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Peygir <no-reply@localhost>")
# A stalled SMTP server fails an attempt after this many seconds (the outbox tries again later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: Redis in production; the embedded default runs tasks in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is away must cost a page a fraction of a second, not a hang: short socket
# timeouts; pages publish without retries (core/queue.py) and the outbox sweeper is the net.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
    # A publisher's connection is tried once (kombu would otherwise sleep and retry for seconds).
    "max_retries": 0,
}

# The periodic jobs, all in one place (times are Asia/Tehran). Each is also a command.
CELERY_BEAT_SCHEDULE = {
    # Hourly, so a plan created or a beat outage is caught up within the hour (idempotent).
    "materialise-followups": {
        "task": "followups.tasks.materialise_followups_task",
        "schedule": crontab(minute=5),
    },
    # Nightly, before the morning lists: rhythms, silent flags and their win-back calls.
    "refresh-rhythm": {
        "task": "customers.tasks.refresh_rhythm_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Reps start their day with the list in their inbox.
    "morning-digest": {
        "task": "followups.tasks.send_morning_digests_task",
        "schedule": crontab(hour=8, minute=0),
    },
    # One survey reminder, on a working morning (the task skips non-working days).
    "survey-reminders": {
        "task": "surveys.tasks.send_survey_reminders_task",
        "schedule": crontab(hour=9, minute=30),
    },
    # New customers' onboarding survey on its day (the task skips non-working days).
    "onboarding-surveys": {
        "task": "surveys.tasks.send_onboarding_surveys_task",
        "schedule": crontab(hour=9, minute=40),
    },
    # Nightly: loyalty points past the returns window become available; balances checked against the ledger.
    "loyalty-nightly": {
        "task": "loyalty.tasks.nightly_loyalty_task",
        "schedule": crontab(hour=2, minute=50),
    },
    # Nightly, after the purchase figures and the loyalty jobs: the dashboards' snapshots.
    "dashboards-nightly": {
        "task": "dashboards.tasks.nightly_snapshots_task",
        "schedule": crontab(hour=3, minute=20),
    },
    # The outbox's one scheduler: every minute it enqueues the emails whose next attempt is due
    # (retries after an SMTP outage, tasks lost to a broker outage) and settles interrupted sends.
    "sweep-outbox": {
        "task": "outbox.tasks.sweep_outbox_task",
        "schedule": crontab(minute="*"),
    },
}

if REDIS_URL:
    # A cache miss, not a 500, while Redis is away (core/cache.py); the same short timeouts as the broker.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
                "socket_timeout": CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"],
            },
        }
    }

# ./run serves the demo with DEBUG off (no debug page listing every URL) over plain http on this
# computer: its cookies cannot be Secure-only and nothing may redirect to https. Never in production.
PEYGIR_DEMO_OVER_HTTP = env.bool("PEYGIR_DEMO_OVER_HTTP", default=False)

# Production hardening: on whenever DEBUG is off; behind a TLS proxy.
if not DEBUG and not PEYGIR_DEMO_OVER_HTTP:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "core.logging.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print each request's line a second time:
        # its records go to the root handler alone. A 403 or 404 is one line, without a traceback.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["client_errors_on_one_line"]},
        # In eager mode (the embedded default) every email would log a "Task succeeded" line.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        # django-axes logs every login and clean-up at INFO; its warnings (failures, lockouts) stay.
        "axes": {"level": "WARNING"},
    },
}

# --- Peygir ---------------------------------------------------------------
# Amounts are stored in Rial; "toman" shows them divided by ten.
PEYGIR_CURRENCY = env("PEYGIR_CURRENCY", default="toman")
# Imports of any size: the uploaded files wait here until imported (the web and the worker share it).
PEYGIR_IMPORT_DIR = env.path("PEYGIR_IMPORT_DIR", default=BASE_DIR / "var" / "imports")
# Without a broker, long work a page starts runs in a thread of the web process (core.queue).
PEYGIR_BACKGROUND_THREADS = env.bool("PEYGIR_BACKGROUND_THREADS", default=True)
# The REST API (api/): per-user tokens a manager issues, the pages' role rules, pages of 50.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Peygir API",
    "DESCRIPTION": "Customers, purchases, calls due and survey answers of one Peygir shop.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# The shop's order webhook (webhooks/): HMAC-SHA256 of the raw body with this secret; a post
# whose timestamp is further than the tolerance from now is refused as a replay.
PEYGIR_SHOP_WEBHOOK_SECRET = env("PEYGIR_SHOP_WEBHOOK_SECRET", default="")
PEYGIR_SHOP_WEBHOOK_TOLERANCE_SECONDS = env.int("PEYGIR_SHOP_WEBHOOK_TOLERANCE_SECONDS", default=300)
PEYGIR_CUSTOMERS_PER_PAGE = env.int("PEYGIR_CUSTOMERS_PER_PAGE", default=50)

# Working days: Python weekday numbers off (Friday = 4), dated holidays (Jalali or
# Gregorian, comma-separated) and Jalali month-day holidays that recur every year.
PEYGIR_WEEKEND_DAYS = env.list("PEYGIR_WEEKEND_DAYS", cast=int, default=[4])
PEYGIR_HOLIDAYS = env.list("PEYGIR_HOLIDAYS", default=[])
PEYGIR_YEARLY_HOLIDAYS = env.list(
    "PEYGIR_YEARLY_HOLIDAYS",
    default=["01-01", "01-02", "01-03", "01-04", "01-12", "01-13", "03-14", "03-15", "11-22", "12-29"],
)
# Follow-ups are created this many days ahead; overdue by more working days escalates.
PEYGIR_FOLLOWUP_HORIZON_DAYS = env.int("PEYGIR_FOLLOWUP_HORIZON_DAYS", default=7)
PEYGIR_ESCALATE_AFTER_WORKING_DAYS = env.int("PEYGIR_ESCALATE_AFTER_WORKING_DAYS", default=3)
# A customer is silent when the days since their last purchase exceed max(floor, k x their
# typical gap) (customers/rhythm.py); a rule adopted from the backtest page takes precedence.
PEYGIR_SILENT_K = env.float("PEYGIR_SILENT_K", default=2.0)
PEYGIR_SILENT_FLOOR_DAYS = env.int("PEYGIR_SILENT_FLOOR_DAYS", default=30)
# A win-back that reached the customer and is followed by a purchase within this many days is a save.
# Dashboards: a customer is active on a day when they bought within this many days up to it.
PEYGIR_ACTIVE_DAYS = env.int("PEYGIR_ACTIVE_DAYS", default=90)
PEYGIR_SAVE_WINDOW_DAYS = env.int("PEYGIR_SAVE_WINDOW_DAYS", default=90)
# Every customer without a plan gets this cadence (every N months, first calls spread over the
# cycle) within the hour, so nobody is forgotten after an import; 0 turns it off.
PEYGIR_DEFAULT_CADENCE_MONTHS = env.int("PEYGIR_DEFAULT_CADENCE_MONTHS", default=3)
# A new customer's first weeks (followups/onboarding.py): step:days after the first purchase,
# "w" counting working days; the steps are welcome, check_in (calls) and survey.
PEYGIR_ONBOARDING = env.list("PEYGIR_ONBOARDING", default=["welcome:2w", "check_in:14", "survey:30"])
# A renewal call this many days before a contract ends.
PEYGIR_RENEWAL_NOTICE_DAYS = env.int("PEYGIR_RENEWAL_NOTICE_DAYS", default=30)
# Not reached for this many days, and no open call: on the "not contacted" list.
PEYGIR_NOT_CONTACTED_DAYS = env.int("PEYGIR_NOT_CONTACTED_DAYS", default=90)
# The outbox keeps trying an email this long (backing off from a minute to a few hours) before
# it is marked failed; a manager can then retry all failed ones (outbox/delivery.py).
PEYGIR_EMAIL_RETRY_HOURS = env.int("PEYGIR_EMAIL_RETRY_HOURS", default=48)
# Links in emails point here.
PEYGIR_SITE_URL = env("PEYGIR_SITE_URL", default="http://127.0.0.1:8000")
# Surveys: one invitation per customer per throttle window; links expire; one reminder.
PEYGIR_SURVEY_THROTTLE_DAYS = env.int("PEYGIR_SURVEY_THROTTLE_DAYS", default=90)
PEYGIR_SURVEY_LINK_DAYS = env.int("PEYGIR_SURVEY_LINK_DAYS", default=30)
PEYGIR_SURVEY_REMINDER_DAYS = env.int("PEYGIR_SURVEY_REMINDER_DAYS", default=5)
# The shop's name on survey pages and emails until a manager sets it (Surveys > Shop name and logo);
# empty means "Peygir" in the reader's language.
PEYGIR_SHOP_NAME = env("PEYGIR_SHOP_NAME", default="")
# Loyalty points (loyalty/): points from a purchase wait out the returns window before they can be
# spent; earned points expire after this many months; a reversal may take a balance below zero
# only if allowed (otherwise it is capped at what is left, and logged); what one point is worth.
PEYGIR_LOYALTY_RETURNS_WINDOW_DAYS = env.int("PEYGIR_LOYALTY_RETURNS_WINDOW_DAYS", default=14)
PEYGIR_LOYALTY_EXPIRY_MONTHS = env.int("PEYGIR_LOYALTY_EXPIRY_MONTHS", default=12)
# "earned": points expire PEYGIR_LOYALTY_EXPIRY_MONTHS after they were earned (oldest spent first);
# "inactivity": all of a customer's points expire once they have not bought for that many months.
PEYGIR_LOYALTY_EXPIRY_RULE = env("PEYGIR_LOYALTY_EXPIRY_RULE", default="earned")
# Tiers are reached by "spend" (Rial of purchases in the last 12 months) or "points" (points
# earned in the last 12 months); the tiers' thresholds are in that unit.
PEYGIR_LOYALTY_TIER_BASIS = env("PEYGIR_LOYALTY_TIER_BASIS", default="spend")
# A customer stays in a tier this many days after their 12-month figure falls under its threshold.
PEYGIR_LOYALTY_TIER_GRACE_DAYS = env.int("PEYGIR_LOYALTY_TIER_GRACE_DAYS", default=30)
PEYGIR_LOYALTY_ALLOW_NEGATIVE = env.bool("PEYGIR_LOYALTY_ALLOW_NEGATIVE", default=False)
PEYGIR_LOYALTY_POINT_VALUE_RIAL = env.int("PEYGIR_LOYALTY_POINT_VALUE_RIAL", default=5000)
# A customer's statement link (loyalty/statement.py) opens their points page for this many days.
PEYGIR_LOYALTY_STATEMENT_DAYS = env.int("PEYGIR_LOYALTY_STATEMENT_DAYS", default=30)
# A customer is emailed this many days before their next points expire (at most once a week).
PEYGIR_LOYALTY_WARNING_DAYS = env.int("PEYGIR_LOYALTY_WARNING_DAYS", default=14)
# Expiring points worth more than this many Toman also get the customer a call from their owner.
PEYGIR_LOYALTY_CALL_THRESHOLD_TOMAN = env.int("PEYGIR_LOYALTY_CALL_THRESHOLD_TOMAN", default=500_000)
