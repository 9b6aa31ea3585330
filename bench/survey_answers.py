"""One-tap survey answers fired at a real gunicorn on loopback, beside a bare view on the same gunicorn.

Each answer is what a customer's phone does: GET the emailed link with ?score=N (the page, its
CSRF cookie and token), then the page script's confirming POST. The limit is a bare Django view
on the same gunicorn, through the same middleware and settings (bench/bare_urls.py): its GET
reads one invitation by its indexed token hash and hands out a CSRF token, its POST inserts one
row. The two alternate in rounds (real, bare, real, bare ...) so a slower minute of this shared
machine sways both. Prints requests/s of each and their ratio, the CPU the load generator and
gunicorn used, and checks that every answer was stored (rows counted) exactly once.

gunicorn runs with the repository's gunicorn.conf.py (as production does), unless --workers,
--worker-class or --threads say otherwise.

    .venv/bin/python bench/survey_answers.py [--answers 2000] [--rounds 4] [--concurrency 16]
        [--workers N] [--worker-class sync|gthread] [--threads N]
    .venv/bin/python bench/survey_answers.py --in-process --answers 300 [--profile 40]
        (no gunicorn: the CPU per request of each side through django.test.Client; then, apart, cProfile's top N)
"""

import argparse
import asyncio
import os
import random
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
GOAL_RPS = 500
GOAL_RATIO = 0.5


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


def bare_table() -> str:
    from bare_urls import BARE_TABLE  # after Django's setup: the module is a URLconf

    return BARE_TABLE


def bare_table_reset() -> None:
    table = bare_table()
    _common.execute(f"DROP TABLE IF EXISTS {table}")
    _common.execute(
        f"CREATE TABLE {table} (id bigserial PRIMARY KEY, token text NOT NULL, score integer NOT NULL, "
        "answered_at timestamptz NOT NULL)"
    )


def start_gunicorn(port: int, url: str, options: list[str]) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "WARNING",
        # Production's settings with bench/bare_urls.py as the URLconf (bench/bench_settings.py).
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH")])
        ),
    }
    # Production settings serve static files from the collected manifest (whitenoise).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=_common.ROOT, env=env, check=True
    )
    command = [sys.executable, "-m", "gunicorn", "retention_crm.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", *options]
    process = subprocess.Popen(command, cwd=_common.ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def cpu_seconds_of_tree(pid: int) -> float:
    """User + system CPU seconds of a process and its children so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            pending += [int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the load generator: asyncio, raw HTTP/1.1, keep-alive when the server keeps it ----------------


class Http:
    """One client connection; reconnects when the server closed it (a sync worker closes each one)."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.connections = 0

    async def request(self, method: str, path: str, headers: str = "", body: bytes = b""):
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                self.connections += 1
            head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{headers}"
            if body or method == "POST":
                head += f"Content-Length: {len(body)}\r\n"
            self.writer.write(head.encode() + b"\r\n" + body)
            try:
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if not reused or attempt == 2:  # only a kept-alive connection the server dropped is retried
                    raise
        raise AssertionError("unreachable")

    async def _response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, list[str]] = {}
        for line in lines[1:]:
            if line:
                name, _sep, value = line.partition(":")
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"][0]))
        elif "chunked" in headers.get("transfer-encoding", [""])[0]:
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                body += await self.reader.readexactly(size)
                await self.reader.readuntil(b"\r\n")
            await self.reader.readuntil(b"\r\n")
        else:
            body = await self.reader.read()
            self.close()
        if "close" in headers.get("connection", [""])[0].lower():
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    answers_ok: int = 0
    statuses: dict = field(default_factory=dict)
    connections: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def one_tap(http: Http, prefix: str, token: str) -> tuple[int, int]:
    """GET the emailed link, then the page's confirming POST; returns (status, requests made):
    the POST's status, or the GET's when it gave no form to confirm."""
    score = random.randint(0, 10)
    status, headers, html = await http.request("GET", f"{prefix}{token}/?score={score}")
    cookie = next((m for c in headers.get("set-cookie", []) if (m := CSRF_COOKIE.search(c))), None)
    form_token = CSRF_INPUT.search(html)
    if status != 200 or not cookie or not form_token:
        return status, 1
    body = f"csrfmiddlewaretoken={form_token.group(1).decode()}&score={score}".encode()
    status, _headers, answer = await http.request(
        "POST",
        f"{prefix}{token}/",
        headers=(
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Cookie: csrftoken={cookie.group(1)}\r\n"
            f"Origin: http://127.0.0.1:{http.port}\r\n"
            "X-Peygir-Auto: 1\r\n"
        ),
        body=body,
    )
    return (status if b'"ok": true' in answer else -status), 2


async def fire(port: int, prefix: str, tokens: list[str], concurrency: int, tally: Tally) -> None:
    """Every token answered once by ``concurrency`` phones at a time; adds to ``tally``."""
    queue = iter(tokens)

    async def phone():
        http = Http(port)
        for token in queue:
            status, requests = await one_tap(http, prefix, token)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            tally.answers_ok += status == 200
            tally.requests += requests
        http.close()
        tally.connections += http.connections

    started = time.perf_counter()
    await asyncio.gather(*(phone() for _ in range(concurrency)))
    tally.seconds += time.perf_counter() - started


# --- in-process: each request's CPU, and where it goes ------------------------------------------------


def in_process(args) -> None:
    """The same answers through django.test.Client (no gunicorn, no network client): the CPU this
    process spends per request on each side, alternating, and with --profile where it goes."""
    import cProfile
    import pstats
    import statistics

    from django.test import Client

    _common.collect_static()
    tokens = seed_invitations(2 * args.answers)
    bare_table_reset()
    spent: dict[str, list[float]] = {"survey GET": [], "survey POST": [], "bare GET": [], "bare POST": []}
    browser = Client(enforce_csrf_checks=True)  # one handler: a new Client loads the middleware again

    def answer(side: str, prefix: str, token: str, profile=None) -> None:
        browser.cookies.clear()  # each answer is another customer's phone
        score = str(random.randint(0, 10))
        for method in ("GET", "POST"):
            profiled = profile is not None and args.profile_method in (None, method)
            if profiled:
                profile.enable()
            started = time.process_time()
            if method == "GET":
                page = browser.get(f"{prefix}{token}/?score={score}")
            else:
                form = {"score": score, "csrfmiddlewaretoken": CSRF_INPUT.search(page.content).group(1).decode()}
                page = browser.post(f"{prefix}{token}/", form, HTTP_X_PEYGIR_AUTO="1")
            spent[f"{side} {method}"].append(time.process_time() - started)
            if profiled:
                profile.disable()
            assert page.status_code == 200, (side, method, page.status_code)

    for number in range(args.answers):
        answer("survey", "/s/", tokens[number])
        answer("bare", "/bench-bare/", tokens[-1 - number])
    print(f"in-process, {args.answers} answers a side (random scores 0-10), CPU of this process per request:")
    for name, seconds in spent.items():
        print(
            f"  {name:12s} median {statistics.median(seconds) * 1000:.2f} ms, "
            f"mean {statistics.mean(seconds) * 1000:.2f} ms"
        )
    survey = statistics.mean(spent["survey GET"]) + statistics.mean(spent["survey POST"])
    bare = statistics.mean(spent["bare GET"]) + statistics.mean(spent["bare POST"])
    print(f"  one answer: survey {survey * 1000:.2f} ms, bare {bare * 1000:.2f} ms; bare / survey {bare / survey:.2f}")
    if args.profile:
        # Apart from the figures above: cProfile makes each call several times slower.
        profile = cProfile.Profile()
        for token in seed_invitations(args.answers):
            answer("survey", "/s/", token, profile)
        pstats.Stats(profile).sort_stats(args.profile_sort).print_stats(args.profile)


# --- the run ---------------------------------------------------------------------------------------


def gunicorn_options(args) -> list[str]:
    options = []
    if args.workers:
        options += ["--workers", str(args.workers)]
    if args.worker_class:
        options += ["--worker-class", args.worker_class]
    if args.threads:
        options += ["--threads", str(args.threads)]
    return options


def describe_config(options: list[str]) -> str:
    from gunicorn.config import Config

    config = Config()
    conf = _common.ROOT / "gunicorn.conf.py"
    if conf.exists():
        namespace: dict = {"__file__": str(conf)}
        exec(compile(conf.read_text(), str(conf), "exec"), namespace)
        for name, value in namespace.items():
            if name in config.settings:
                config.set(name, value)
    pairs = dict(zip(options[::2], options[1::2], strict=True))
    workers = pairs.get("--workers", config.workers)
    worker_class = pairs.get("--worker-class", config.worker_class_str)
    threads = pairs.get("--threads", config.threads)
    return f"{workers} {worker_class} workers" + (f" x {threads} threads" if worker_class == "gthread" else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000, help="answers per side (real and bare), all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16, help="phones answering at once")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int)
    parser.add_argument("--in-process", action="store_true", help="CPU per request through django.test.Client")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="with --in-process: top N of cProfile")
    parser.add_argument("--profile-method", choices=["GET", "POST"], help="with --profile: only the link's GET or POST")
    parser.add_argument("--profile-sort", default="cumulative", help="with --profile: a pstats sort key (tottime)")
    _common.add_figures_argument(parser)
    args = parser.parse_args()

    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"  # the bare view's URL, for --in-process too
    _common.start("survey answers")
    if args.in_process:
        in_process(args)
        return
    from surveys.models import SurveyResponse

    options = gunicorn_options(args)
    warmup = 8  # answers on each side before the clock starts: every worker imports and connects
    with _common.step(f"seeding {2 * (args.answers + warmup)} invitations"):
        tokens = seed_invitations(2 * (args.answers + warmup))
        bare_table_reset()
    real_tokens, bare_tokens = tokens[: args.answers + warmup], tokens[args.answers + warmup :]
    port = free_port()
    server = start_gunicorn(port, _common.database_url(), options)
    real, bare, warm = Tally(), Tally(), Tally()
    size = -(-args.answers // args.rounds)
    try:

        async def run() -> None:
            await fire(port, "/s/", real_tokens[:warmup], args.concurrency, warm)
            await fire(port, "/bench-bare/", bare_tokens[:warmup], args.concurrency, Tally())
            for start in range(warmup, args.answers + warmup, size):
                await fire(port, "/s/", real_tokens[start : start + size], args.concurrency, real)
                await fire(port, "/bench-bare/", bare_tokens[start : start + size], args.concurrency, bare)

        client_before, server_before, wall_before = own_cpu_seconds(), cpu_seconds_of_tree(server.pid), time.time()
        asyncio.run(run())
        client_cpu = own_cpu_seconds() - client_before
        server_cpu = cpu_seconds_of_tree(server.pid) - server_before
        wall = time.time() - wall_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    sent = args.answers + warmup
    stored = SurveyResponse.objects.filter(customer__source="bench-survey").count()
    distinct = SurveyResponse.objects.filter(customer__source="bench-survey").values("invitation").distinct().count()
    bare_stored = _common.scalar(f"SELECT count(*) FROM {bare_table()}")
    ratio = real.rps / bare.rps if bare.rps else 0.0
    print(
        f"gunicorn {describe_config(options)}, {args.concurrency} phones at once, "
        f"{args.answers} answers a side in {args.rounds} alternating rounds"
    )
    print(
        f"  survey answers (GET + POST): {real.rps:.0f} requests/s, {real.rps / 2:.0f} answers/s "
        f"({real.requests} requests in {real.seconds:.2f} s, {real.connections} connections)"
    )
    print(
        f"  bare view (one indexed read, one insert): {bare.rps:.0f} requests/s "
        f"({bare.requests} requests in {bare.seconds:.2f} s, {bare.connections} connections)"
    )
    print(f"  ratio {ratio:.2f}× the bare view")
    print(
        f"  CPU over {wall:.1f} s of wall time on {os.cpu_count()} cores: gunicorn {server_cpu:.1f} s, "
        f"load generator {client_cpu:.1f} s ({100 * client_cpu / wall:.0f}% of one core); "
        "the rest went to PostgreSQL and the other users of this machine"
    )
    print(
        f"  answers sent {sent}, confirmed 200 OK {real.answers_ok + warm.answers_ok}, "
        f"responses stored {stored} ({distinct} invitations); bare rows {bare_stored} of {sent}"
    )
    all_stored = stored == distinct == sent and bare_stored == sent
    if not all_stored:
        print(f"  MISMATCH: statuses real {real.statuses}, bare {bare.statuses}")
    _common.write_figures(
        args.figures,
        [
            _common.Figure(
                path="one-tap survey answers (GET + confirming POST), gunicorn on 2 cores",
                value=round(real.rps),
                unit="requests/s",
                limit=round(bare.rps),
                limit_label="bare view on the same gunicorn (one indexed read, one insert)",
                goal=f"≥ {GOAL_RPS} req/s and ≥ {GOAL_RATIO}× the bare view; every answer stored",
                met=real.rps >= GOAL_RPS and ratio >= GOAL_RATIO and all_stored,
            )
        ],
    )
    if not all_stored:
        sys.exit(1)


if __name__ == "__main__":
    main()
