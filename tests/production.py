"""The real parts, started by a test: a Redis of its own, an SMTP sink, gunicorn, a Celery worker and beat.

They all share the test's PostgreSQL database (the test runs with ``transaction=True``, so what it
writes is committed and what the servers write is flushed afterwards). SQLite's in-memory test
database cannot be shared with another process, so these tests need PostgreSQL (CI has it).
"""

import contextlib
import email
import email.policy
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        message = "the servers share the test database, which needs PostgreSQL (set DATABASE_URL)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float = 30, every: float = 0.1, what: str = "condition"):
    """Poll ``condition()`` until it is truthy; its value, or a failure naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


class RedisServer:
    """A redis-server of the test's own on a free port, which the test can stop and start again."""

    def __init__(self):
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(self.port), timeout=10, what="redis-server")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class SmtpSink:
    """An SMTP server in this process (aiosmtpd) that keeps every message it accepts.

    ``drop_reply_to`` lists recipients whose first delivery is accepted and stored, after which
    the connection is cut before the reply: the sender cannot know it went through.
    ``pause`` makes each message take that many seconds (a slow server, for the kill test).
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.drop_reply_to: set[str] = set()
        self.pause = 0.0
        self.controller = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.pause:
            time.sleep(self.pause)
        with self._lock:
            self.messages.append(message)
        recipient = envelope.rcpt_tos[0]
        if recipient in self.drop_reply_to:
            self.drop_reply_to.discard(recipient)
            server.transport.abort()
        return "250 OK"

    def start(self) -> "SmtpSink":
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        with self._lock:
            return [message for message in self.messages if message["To"] == address]

    def message_ids(self) -> list[str]:
        with self._lock:
            return [message["Message-ID"] for message in self.messages]


def server_environment(*, redis_url: str, smtp_port: int, site_url: str = "http://127.0.0.1") -> dict:
    """What a production process reads: DEBUG off, the test database, this Redis and this sink."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "production-like-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "5",
        "PEYGIR_SITE_URL": site_url,
        "PYTHONUNBUFFERED": "1",
    }


class Processes:
    """Child processes started for one test; all killed at the end, their output kept for a failure."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.running.pop(name)
        process.kill()
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def worker(self, env: dict, name: str = "worker") -> subprocess.Popen:
        return self.start(
            name,
            [str(BIN / "celery"), "-A", "retention_crm", "worker", "--pool=solo", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel=INFO", f"--hostname={name}@%h"],
            env,
        )

    def beat(self, env: dict, name: str = "beat") -> subprocess.Popen:
        return self.start(
            name,
            [str(BIN / "celery"), "-A", "retention_crm", "beat", "--loglevel=INFO",
             f"--schedule={self.logs / (name + '-schedule')}", "--pidfile="],
            env,
        )

    def gunicorn(self, env: dict, port: int) -> subprocess.Popen:
        return self.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "retention_crm.wsgi", "--workers=2", f"--bind=127.0.0.1:{port}",
             "--timeout=30", "--access-logfile=-"],
            env,
        )


def collect_static(env: dict, root: Path) -> dict:
    """Production serves hashed static files (whitenoise's manifest): collect them once for the servers."""
    env = {**env, "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return env


class Stack:
    """Redis, an SMTP sink and child processes for one test; this process's Celery publishes to that Redis."""

    def __init__(self, logs: Path):
        from retention_crm.celery import app

        self.app = app
        self.redis = RedisServer().start()
        self.sink = SmtpSink().start()
        self.processes = Processes(logs)
        self.env = server_environment(redis_url=self.redis.url, smtp_port=self.sink.port)
        self._saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
        app.conf.update(broker_url=self.redis.url, task_always_eager=False)
        forget_broker_connections(app)

    def close(self) -> None:
        # pytest shows a test's output only when it failed: then every process's last lines are there.
        for log in sorted(self.processes.logs.glob("*.log")):
            print(f"--- {log.stem} ---\n{log.read_text(errors='replace')[-3000:]}")
        self.processes.stop_all()
        self.app.conf.update(self._saved)
        forget_broker_connections(self.app)
        self.sink.stop()
        self.redis.stop()


@contextlib.contextmanager
def production_stack(logs: Path):
    require_postgres()
    stack = Stack(logs)
    try:
        yield stack
    finally:
        stack.close()


def forget_broker_connections(app) -> None:
    """Celery caches its broker pool, producers and (per thread) result backend on first use, and
    kombu keeps producer pools per broker URL: drop them all when the URL changes."""
    from kombu import pools

    vars(app._local).pop("backend", None)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
