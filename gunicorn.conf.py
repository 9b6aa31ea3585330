"""gunicorn's settings for Peygir's web process (the Dockerfile and docker-compose.yml pass
``--config gunicorn.conf.py``; gunicorn also reads this file by itself when started here).

Command-line options win over these, and the environment can set each one:

- ``WEB_CONCURRENCY``: worker processes (default one per core);
- ``PEYGIR_WEB_THREADS``: threads per worker (default 4).

Why threads (gthread): a page waits on PostgreSQL for much of its time (each answer's commit
waits for the disk), and a waiting thread lets another request of the same worker run; a sync
worker sits idle instead. gthread also keeps a client's connection open between requests, as
a phone's page and its script's POST right after it use. On 2 cores bench/survey_answers.py
measured 3 sync workers (15 survey requests/s, bare view 95), 4 sync (19; 94), 2 gthread x 4
threads (42; 436) and 3 gthread x 4 (22; 112), on a machine shared with other work: 2 x 4
threads did best for both, chiefly by keeping connections open and overlapping the waits.
https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("PEYGIR_WEB_THREADS", 4))
# Behind a proxy that reuses its connections to us; a phone's follow-up POST comes within seconds.
keepalive = 5
