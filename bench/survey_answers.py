"""1,000 one-tap survey answers fired at a real gunicorn on loopback.

Each answer is what a customer's phone does: GET the emailed link with ?score=N (the page,
its CSRF cookie and token), then the page script's confirming POST. Prints requests per
second, answers per second, and how many responses were stored (must equal the number sent).

    .venv/bin/python bench/survey_answers.py [--answers 1000] [--concurrency 16] [--workers 3]
"""

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_invitations(count: int) -> list[str]:
    """Fresh invitations (and their customers) for this run; returns the link tokens."""
    from django.utils import timezone

    from customers.models import Customer
    from surveys import services
    from surveys.models import Survey, SurveyInvitation, hash_token, token_for

    SurveyInvitation.objects.filter(customer__source="bench-survey").delete()
    customers = list(Customer.objects.filter(source="bench-survey").order_by("pk")[:count])
    missing = count - len(customers)
    if missing > 0:
        start = Customer.objects.filter(source="bench-survey").count()
        Customer.objects.bulk_create(
            [
                Customer(
                    name=f"Bench survey {start + n}",
                    mobile=f"0990{start + n:07d}",
                    email=f"bench{start + n}@example.com",
                    source="bench-survey",
                )
                for n in range(missing)
            ],
            ignore_conflicts=True,
        )
        customers = list(Customer.objects.filter(source="bench-survey").order_by("pk")[:count])
    survey = services.survey_for(Survey.Kind.RELATIONSHIP)
    expires = timezone.now() + timezone.timedelta(days=30)
    salts = [secrets.token_hex(16) for _ in customers]
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(
                survey=survey,
                customer=customer,
                token_salt=salt,
                token_hash=hash_token(token_for(salt)),
                language=random.choice(["fa", "en"]),
                expires_at=expires,
                sent_at=timezone.now(),
            )
            for customer, salt in zip(customers, salts, strict=True)
        ]
    )
    return [token_for(salt) for salt in salts]


def start_gunicorn(port: int, workers: int, url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "WARNING",
    }
    # Production settings serve static files from the collected manifest (whitenoise).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=_common.ROOT, env=env, check=True
    )
    command = [sys.executable, "-m", "gunicorn", "retention_crm.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(
        command,
        cwd=_common.ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def one_tap(port: int, token: str) -> int:
    """GET the emailed link, then the page's confirming POST; returns the POST's status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    score = random.randint(0, 10)
    connection.request("GET", f"/s/{token}/?score={score}")
    page = connection.getresponse()
    html = page.read().decode()
    cookie = CSRF_COOKIE.search(page.getheader("Set-Cookie") or "")
    form_token = CSRF_INPUT.search(html)
    if page.status != 200 or not cookie or not form_token:
        return page.status
    body = f"csrfmiddlewaretoken={form_token.group(1)}&score={score}"
    connection.request(
        "POST",
        f"/s/{token}/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie.group(1)}",
            "Origin": f"http://127.0.0.1:{port}",
            "X-Peygir-Auto": "1",
        },
    )
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    _common.start("survey answers")
    from surveys.models import SurveyResponse

    with _common.step(f"seeding {args.answers} invitations"):
        tokens = seed_invitations(args.answers)
    port = free_port()
    server = start_gunicorn(port, args.workers, _common.database_url())
    try:
        first = one_tap(port, tokens[0])  # warm up every import on one worker
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            statuses = list(pool.map(lambda token: one_tap(port, token), tokens[1:]))
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    sent = len(tokens)
    stored = SurveyResponse.objects.filter(customer__source="bench-survey").count()
    ok = [first, *statuses].count(200)
    print(
        f"gunicorn workers={args.workers}, client concurrency={args.concurrency}: "
        f"{len(statuses)} one-tap answers (GET + POST) in {elapsed:.2f} s"
    )
    print(f"  {2 * len(statuses) / elapsed:.0f} requests/s, {len(statuses) / elapsed:.0f} answers/s")
    print(f"  answers sent {sent}, confirmed 200 OK {ok}, responses stored {stored}")
    if stored != sent:
        print(f"  MISMATCH: {sent - stored} answers were not stored; statuses {sorted(set(statuses))}")
        sys.exit(1)


if __name__ == "__main__":
    main()
