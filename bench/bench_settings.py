"""Production's settings, served with bench/bare_urls.py as the URLconf (survey_answers.py only).

The settings read no ROOT_URLCONF from the environment, so the benchmark's gunicorn gets this
module instead: everything else (middleware, DEBUG=False, database from the environment) is
exactly what production runs.
"""

from retention_crm.settings import *  # noqa: F403

ROOT_URLCONF = "bare_urls"
