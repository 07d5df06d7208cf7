"""The load benchmark: serve the bench database with gunicorn and measure it with wrk.

    .venv/bin/python -m bench.loadtest --scale small --db postgres \\
        --load-database-url postgres://…/concordance_bench_load

`bench/run` prepares everything this needs (a migrated database holding the
data set, collected static files, production settings in the environment) and
then runs it pinned to the second core. In order:

1. Counts the queries of one request to each endpoint with Django's test
   client and `CaptureQueriesContext`, against the same database.
2. Starts gunicorn pinned to core 0 (`taskset -c 0`) on a free loopback port.
3. Probes each endpoint once (status, body size, cache validators) and warms
   every worker up.
4. Runs wrk pinned to core 1: ROUNDS rounds, each visiting every endpoint for
   DURATION seconds, the order rotating each round so that drift of a shared
   machine spreads over all endpoints. wrk reports exact latency histograms,
   which are merged across rounds.
5. Reads the gunicorn workers' peak memory (VmHWM), stops gunicorn.
6. Exports the registry with `export_registry` and times `load_registry` of
   it into a second, empty database.
7. Writes bench/results/latest.json. Any response outside 2xx/3xx, or any
   socket error, fails the run after the results are written.

Every loop is bounded, and only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

SERVER_CORE = "0"
CLIENT_CORE = "1"
CONNECTIONS = 8
WRK_THREADS = 2
# Two sync workers on one core: a worker that waits for PostgreSQL leaves the
# core to the other; threads in one process would contend for the GIL instead.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))

DEFAULT_ROUNDS = {"small": 3, "full": 5, "tenfold": 5}
DEFAULT_DURATION = {"small": 1, "full": 3, "tenfold": 3}
WARM_UP_REQUESTS = 4
# Under CONNECTIONS concurrent clients a request waits for about
# CONNECTIONS / WORKERS others, so a run of a slow page must last at least
# twice that queue to complete any requests; never longer than this, though.
MAX_RUN_SECONDS = 20
PERCENTILES = (50, 90, 95, 99)
# Pages whose time rendered afresh (`cold_ms`) is measured besides their time under load.
RENDERED_PAGES = {"H", "A", "L", "O", "E", "Q"}
# The exit status when results were written but some responses failed.
RESULTS_WITH_ERRORS = 3


@dataclass
class Endpoint:
    """One URL the benchmark loads, with what it sends and what it found out."""

    key: str
    label: str
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    bust: bool = False
    missing: str = ""
    notes: list[str] = field(default_factory=list)
    queries: int | None = None
    status_codes_seen: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    duration_s: float = 0.0
    wire_bytes: int = 0
    body_bytes: int | None = None
    socket_errors: int = 0
    histogram: dict[int, int] = field(default_factory=dict)
    warm_ms: float = 0.0
    cold_ms: float | None = None

    def run_seconds(self, duration: int) -> int:
        """How long each wrk run lasts: longer for pages that take long to serve."""
        queue_seconds = self.warm_ms / 1000 * CONNECTIONS / WORKERS
        return min(MAX_RUN_SECONDS, max(duration, math.ceil(2 * queue_seconds)))


def _machine() -> dict:
    cpu_model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    # Read-only: without optional locks, git status never rewrites the index.
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        ).stdout.strip()
    )
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_mb": memory_kb // 1024,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "git_dirty": dirty,
        "load_average_before": os.getloadavg(),
    }


def _database() -> dict:
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        described = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        described = f"SQLite {sqlite3.sqlite_version}"
    return {"vendor": connection.vendor, "version": described}


def _endpoints() -> list[Endpoint]:
    """The endpoints, with paths resolved against the data set; unrouted ones are `missing`."""
    from django.conf import settings
    from django.urls import NoReverseMatch, Resolver404, resolve

    from articles.models import Article
    from bench.dataset import EVENTS_INSTRUMENT, HEAVY_SLUG, LIST_KIND, SEARCH_TERM

    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
    stylesheet = settings.STATIC_URL + manifest["paths"]["css/site.css"]
    try:
        article = Article.objects.order_by("slug").filter(slug__startswith="bench-").first()
        article_path = article.get_absolute_url("en") if article is not None else ""
    except NoReverseMatch:
        article_path = ""

    endpoints = [
        Endpoint("T", "robots.txt (trivial view)", "/robots.txt"),
        Endpoint("S", "static CSS (hashed, whitenoise)", stylesheet),
        Endpoint("H", "home", "/en/"),
        Endpoint("A", "article, 20 claims, uncached", article_path, bust=True),
        Endpoint("AC", "article, warm", article_path),
        Endpoint("N", "article, conditional GET", article_path),
        Endpoint(
            "L",
            "registry list, search + filters",
            f"/en/registry/?q={SEARCH_TERM}&kind={LIST_KIND}&un_related=true",
        ),
        Endpoint("O", "organization with heavy timeline", f"/en/registry/{HEAVY_SLUG}/"),
        Endpoint(
            "E", "events by instrument", f"/en/registry/events/?instrument={EVENTS_INSTRUMENT}"
        ),
        Endpoint("Q", "search", f"/en/search/?q={SEARCH_TERM}"),
        Endpoint("ADM-O", "admin organizations", "/admin/organizations/organization/"),
        Endpoint("ADM-E", "admin membership events", "/admin/organizations/membershipevent/"),
    ]
    for endpoint in endpoints:
        if not endpoint.path:
            endpoint.missing = "no article page is routed"
            continue
        if endpoint.path.startswith(settings.STATIC_URL):
            continue
        try:
            resolve(endpoint.path.split("?", 1)[0])
        except Resolver404:
            endpoint.missing = f"{endpoint.path.split('?', 1)[0]} is not routed"
    return endpoints


def _admin_session() -> tuple[str, object]:
    """A superuser's session key, stored in the database like any login's."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench-admin@example.invalid"},
    )
    if created:
        admin.set_unusable_password()
        admin.save(update_fields=["password"])
    client = Client()
    client.force_login(admin)
    return client.cookies["sessionid"].value, admin


def _count_queries(endpoints: list[Endpoint], admin) -> None:
    """Queries one request makes, through the whole middleware stack, warm caches aside.

    A is requested twice under different query strings and counted the second
    time (its rendered body may be cached by revision; no whole page can be).
    AC is counted on a repeat of the same URL, N with the validators of a first
    response. A page cache shows as AC making fewer queries than A.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    staff = Client(HTTP_HOST=HOST)
    staff.force_login(admin)
    validators: dict[str, str] = {}
    for endpoint in endpoints:
        if endpoint.missing:
            continue
        browser = staff if endpoint.key.startswith("ADM") else client
        path = endpoint.path
        headers = {}
        if endpoint.bust:
            browser.get(f"{path}?bench-nocache=warm")
            path = f"{path}?bench-nocache=count"
        else:
            first = browser.get(path)
            if endpoint.key == "AC":
                for header, condition in (
                    ("ETag", "If-None-Match"),
                    ("Last-Modified", "If-Modified-Since"),
                ):
                    if first.has_header(header):
                        validators[condition] = first[header]
        if endpoint.key == "N":
            headers = dict(validators)
        with CaptureQueriesContext(connection) as context:
            browser.get(path, headers=headers)
        endpoint.queries = len(context)
    connection.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _request(
    port: int, path: str, headers: dict[str, str], timeout: float = 30
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


class Server:
    """gunicorn serving config.wsgi on a loopback port, pinned to one core."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None
        self.first_workers: list[int] = []

    def start(self) -> None:
        command = [
            "taskset",
            "-c",
            SERVER_CORE,
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "gthread" if THREADS > 1 else "sync",
            "--threads",
            str(THREADS),
            "--error-logfile",
            str(self.log),
            "--log-level",
            "warning",
        ]
        self.log.unlink(missing_ok=True)
        self.process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                if (
                    _request(self.port, "/healthz", {}).status == 200
                    and len(self.workers()) == WORKERS
                ):
                    self.first_workers = self.workers()
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within 60 s")

    def drain(self) -> None:
        """Wait until the requests wrk left queued are served, so they slow no other endpoint.

        Sync workers accept connections in order: once a new request is
        answered, everything queued before it has been served.
        """
        _request(self.port, "/robots.txt", {}, timeout=300)

    def workers(self) -> list[int]:
        # taskset execs gunicorn, so the process we started is the master.
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def problems(self) -> list[str]:
        """Workers gunicorn killed or replaced during the run (a timeout, a crash)."""
        problems = []
        replaced = sorted(set(self.first_workers) - set(self.workers()))
        if replaced:
            problems.append(f"gunicorn replaced workers {replaced}; see {self.log}")
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        timeouts = log.count("WORKER TIMEOUT")
        if timeouts:
            problems.append(f"{timeouts} worker timeouts (a request ran over 30 s); see {self.log}")
        return problems

    def peak_memory_mb(self) -> dict[str, float]:
        """Each worker's peak resident set size (VmHWM), in MB."""
        peaks = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[str(pid)] = round(int(line.split()[1]) / 1024, 1)
        return peaks

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _probe(server: Server, endpoints: list[Endpoint], admin_cookie: str) -> list[str]:
    """Request each endpoint as wrk will, note what came back and warm every worker up."""
    failures = []
    validators: dict[str, str] = {}
    for endpoint in endpoints:
        if endpoint.missing:
            continue
        if endpoint.key.startswith("ADM"):
            endpoint.headers["Cookie"] = f"sessionid={admin_cookie}"
        if endpoint.key == "N":
            endpoint.headers.update(validators)
            if not validators:
                endpoint.notes.append("the page sends neither ETag nor Last-Modified")
        path = (
            f"{endpoint.path}{'&' if '?' in endpoint.path else '?'}bench-nocache=probe"
            if endpoint.bust
            else endpoint.path
        )
        response = _request(server.port, path, endpoint.headers)
        endpoint.body_bytes = len(response.body)
        if endpoint.key == "AC":
            for header, condition in (
                ("ETag", "If-None-Match"),
                ("Last-Modified", "If-Modified-Since"),
            ):
                if response.getheader(header):
                    validators[condition] = response.getheader(header)
        cache_control = response.getheader("Cache-Control")
        if cache_control and endpoint.key in {"A", "AC", "H", "L", "O", "E", "Q"}:
            endpoint.notes.append(f"Cache-Control: {cache_control}")
        if not 200 <= response.status < 400:
            failures.append(f"{endpoint.key} {endpoint.path}: HTTP {response.status} on the probe")
        timings = []
        for _ in range(WARM_UP_REQUESTS):
            started = time.perf_counter()
            _request(server.port, path, endpoint.headers)
            timings.append((time.perf_counter() - started) * 1000)
        endpoint.warm_ms = statistics.median(timings)
        if endpoint.key in RENDERED_PAGES:
            endpoint.cold_ms = _cold_ms(server, endpoint)
    return failures


def _cold_ms(server: Server, endpoint: Endpoint) -> float:
    """The median time of requests the page cache cannot answer: each URL is new to it.

    What a page costs to render when its content has just changed, or when
    it is asked for with a query string of its own (a share link's tracking
    parameters).
    """
    separator = "&" if "?" in endpoint.path else "?"
    timings = []
    for attempt in range(WARM_UP_REQUESTS):
        started = time.perf_counter()
        _request(server.port, f"{endpoint.path}{separator}bench-cold={attempt}", endpoint.headers)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _wrk(server: Server, endpoint: Endpoint, duration: int) -> dict:
    command = [
        "taskset",
        "-c",
        CLIENT_CORE,
        "wrk",
        "--threads",
        str(WRK_THREADS),
        "--connections",
        str(CONNECTIONS),
        "--duration",
        f"{duration}s",
        "--timeout",
        "60s",
        "--script",
        str(WRK_SCRIPT),
    ]
    for name, value in endpoint.headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(f"http://{HOST}:{server.port}{endpoint.path}")
    environment = {**os.environ, "BENCH_BUST": "1" if endpoint.bust else "0"}
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environment,
        timeout=duration + 60,
        check=True,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no result for {endpoint.key}:\n{completed.stdout}")


def _percentile(histogram: dict[int, int], percentile: float) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    threshold = total * percentile / 100
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= threshold:
            return value / 1000
    return max(histogram) / 1000


def _load(server: Server, endpoints: list[Endpoint], rounds: int, duration: int, log) -> None:
    active = [endpoint for endpoint in endpoints if not endpoint.missing]
    for round_number in range(rounds):
        shift = round_number % len(active)
        order = active[shift:] + active[:shift]
        log(f"round {round_number + 1}/{rounds}: {' '.join(e.key for e in order)}")
        for endpoint in order:
            result = _wrk(server, endpoint, endpoint.run_seconds(duration))
            server.drain()
            endpoint.requests += result["requests"]
            endpoint.duration_s += result["duration_us"] / 1e6
            endpoint.wire_bytes += result["bytes"]
            errors = result["errors"]
            endpoint.socket_errors += (
                errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
            )
            for status, count in result["statuses"].items():
                endpoint.status_codes_seen[status] = (
                    endpoint.status_codes_seen.get(status, 0) + count
                )
            for value, count in result["latency_us"]:
                endpoint.histogram[value] = endpoint.histogram.get(value, 0) + count


def _summaries(endpoints: list[Endpoint]) -> dict[str, dict]:
    by_key = {endpoint.key: endpoint for endpoint in endpoints}
    trivial = by_key["T"]
    trivial_rps = trivial.requests / trivial.duration_s if trivial.duration_s else 0
    summaries = {}
    for endpoint in endpoints:
        summary = {
            "label": endpoint.label,
            "path": endpoint.path,
            "missing": endpoint.missing,
            "notes": endpoint.notes,
            "queries": endpoint.queries,
            "sequential_ms": round(endpoint.warm_ms, 1) if not endpoint.missing else None,
            "cold_ms": round(endpoint.cold_ms, 1) if endpoint.cold_ms is not None else None,
        }
        if not endpoint.missing:
            rps = endpoint.requests / endpoint.duration_s if endpoint.duration_s else 0
            summary.update(
                {
                    "requests": endpoint.requests,
                    "seconds": round(endpoint.duration_s, 2),
                    "requests_per_second": round(rps, 1),
                    "ratio_to_t": round(rps / trivial_rps, 3) if trivial_rps else None,
                    **{f"p{p}_ms": _percentile(endpoint.histogram, p) for p in PERCENTILES},
                    "max_ms": max(endpoint.histogram, default=0) / 1000 or None,
                    "wire_bytes_per_response": (
                        round(endpoint.wire_bytes / endpoint.requests)
                        if endpoint.requests
                        else None
                    ),
                    "body_bytes": endpoint.body_bytes,
                    "status_codes": dict(sorted(endpoint.status_codes_seen.items())),
                    "socket_errors": endpoint.socket_errors,
                }
            )
        summaries[endpoint.key] = summary
    return summaries


def _errors(endpoints: list[Endpoint]) -> list[str]:
    errors = []
    for endpoint in endpoints:
        bad = {
            status: count
            for status, count in endpoint.status_codes_seen.items()
            if not 200 <= int(status) < 400
        }
        if bad:
            errors.append(f"{endpoint.key} {endpoint.path}: status codes {bad}")
        if endpoint.socket_errors:
            errors.append(f"{endpoint.key} {endpoint.path}: {endpoint.socket_errors} socket errors")
        if not endpoint.missing and not endpoint.requests:
            errors.append(f"{endpoint.key} {endpoint.path}: no request completed")
    return errors


def _time_load_registry(load_database_url: str, log) -> dict:
    """Export the bench registry as CSV and time `load_registry` of it into an empty database."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    with tempfile.TemporaryDirectory(prefix="concordance-bench-registry-") as directory:
        export = Path(directory) / "registry"
        subprocess.run(
            [*manage, "export_registry", "--format", "csv", "--output", str(export)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
        rows = {
            path.stem: max(sum(1 for _ in path.open(encoding="utf-8")) - 1, 0)
            for path in sorted(export.glob("*.csv"))
        }
        log(f"exported registry: {rows}")
        # The tenfold events file is larger than the command's default limit.
        largest = max(path.stat().st_size for path in export.glob("*.csv"))
        limit_mb = max(200, math.ceil(largest / (1024 * 1024)) + 1)
        started = time.monotonic()
        completed = subprocess.run(
            [*manage, "load_registry", str(export), "--max-file-size", str(limit_mb)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            env={**os.environ, "DATABASE_URL": load_database_url},
        )
        seconds = time.monotonic() - started
        if completed.returncode != 0:
            problems = completed.stderr.strip().splitlines()[-5:]
            log(f"load_registry failed: {' / '.join(problems)}")
            return {"csv_rows": rows, "seconds": None, "error": "\n".join(problems)}
    reported = re.search(r"in ([0-9.]+) s\.", completed.stdout)
    return {
        "method": "export_registry --format csv, then manage.py load_registry into an empty "
        "migrated database; seconds is the command's wall time, process start included",
        "csv_rows": rows,
        "seconds": round(seconds, 2),
        "command_reported_seconds": float(reported.group(1)) if reported else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark against the database in DATABASE_URL and write the results."""
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--scale", choices=sorted(DEFAULT_ROUNDS), required=True)
    parser.add_argument("--db", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--load-database-url", required=True)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--duration", type=int, help="Seconds per endpoint per round.")
    parser.add_argument("--output", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    rounds = options.rounds or DEFAULT_ROUNDS[options.scale]
    duration = options.duration or DEFAULT_DURATION[options.scale]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from bench.dataset import DEFAULT_SEED

    started = time.monotonic()

    def log(message: str) -> None:
        print(f"  [{time.monotonic() - started:5.1f} s] {message}", flush=True)

    results: dict = {
        "machine": _machine(),
        "database": _database(),
        "scale": options.scale,
        "seed": DEFAULT_SEED,
        "settings": {
            "DEBUG": settings.DEBUG,
            "STORAGES.staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
            "DATABASE_CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
            "CACHE": settings.CACHES["default"]["BACKEND"],
        },
        "server": {
            "gunicorn_workers": WORKERS,
            "gunicorn_worker_class": "gthread" if THREADS > 1 else "sync",
            "gunicorn_threads": THREADS,
            "pinned_to_core": SERVER_CORE,
        },
        "client": {
            "tool": "wrk",
            "threads": WRK_THREADS,
            "connections": CONNECTIONS,
            "pinned_to_core": CLIENT_CORE,
            "rounds": rounds,
            "seconds_per_endpoint_per_round": duration,
        },
    }

    endpoints = _endpoints()
    admin_cookie, admin = _admin_session()
    log("counting queries per request")
    _count_queries(endpoints, admin)
    failures: list[str] = []
    server = Server(_free_port(), Path(tempfile.gettempdir()) / "concordance-bench-gunicorn.log")
    try:
        server.start()
        log(f"gunicorn on {HOST}:{server.port}, workers {server.workers()}")
        log("probing and warming up")
        failures += _probe(server, endpoints, admin_cookie)
        if failures:
            raise SystemExit("\n".join(failures))
        _load(server, endpoints, rounds, duration, log)
        results["server"]["worker_peak_rss_mb"] = server.peak_memory_mb()
        failures += server.problems()
    finally:
        server.stop()
    results["machine"]["load_average_after"] = os.getloadavg()
    results["endpoints"] = _summaries(endpoints)
    results["page_cache_detected"] = _page_cache_detected(results["endpoints"])
    log("timing load_registry")
    results["load_registry"] = _time_load_registry(options.load_database_url, log)
    results["elapsed_seconds"] = round(time.monotonic() - started, 1)
    failures = _errors(endpoints) + failures
    if results["load_registry"].get("error"):
        failures.append(f"load_registry failed: {results['load_registry']['error']}")
    results["errors"] = failures

    options.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = options.output.with_suffix(".tmp")
    temporary.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    temporary.replace(options.output)
    log(f"wrote {options.output}")
    if failures:
        print("\n".join(["FAILED:", *failures]), file=sys.stderr)
        return RESULTS_WITH_ERRORS
    return 0


def _page_cache_detected(summaries: dict[str, dict]) -> bool | None:
    uncached = summaries["A"].get("queries")
    warm = summaries["AC"].get("queries")
    if uncached is None or warm is None:
        return None
    return warm < uncached


if __name__ == "__main__":
    sys.exit(main())
