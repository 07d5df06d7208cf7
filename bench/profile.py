"""Profiles of the benchmark's endpoints: where a request's time goes, function by function.

    python -m bench.profile [KEY ...] [--requests N] [--output-dir DIR]

Run by `bench/run` after the load test, against the same database and in the
same production settings, for the pages that miss their targets: A (an
article rendered afresh), AC (the same page from the page cache), ADM-O and
ADM-E (the admin lists). Each endpoint is requested in process through the
whole middleware stack with Django's test client, as the load test's query
counts are, while pyinstrument samples the stack every 0.2 ms; the text
report goes to `bench/results/profile-<KEY>.txt`. There is no socket and no
gunicorn, so the times are the application's own, without the HTTP cost
every endpoint (T included) pays on top.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_KEYS = ("A", "AC", "ADM-O", "ADM-E")
DEFAULT_REQUESTS = 40
WARM_UP_REQUESTS = 5
SAMPLE_INTERVAL_S = 0.0002
MINIMUM_PROFILE_SECONDS = 2
MAXIMUM_REQUESTS = 20_000


def profile_endpoint(endpoint, client, requests: int) -> tuple[str, float]:
    """The pyinstrument text report of `requests` requests, and their median time in ms."""
    from pyinstrument import Profiler

    def path(attempt: int) -> str:
        if not endpoint.bust:
            return endpoint.path
        separator = "&" if "?" in endpoint.path else "?"
        return f"{endpoint.path}{separator}bench-profile={attempt}"

    for attempt in range(WARM_UP_REQUESTS):
        response = client.get(path(-1 - attempt))
        if response.status_code != 200:
            raise SystemExit(f"{endpoint.key} {endpoint.path}: HTTP {response.status_code}")
    # Timed without the profiler, whose sampling slows the requests it watches.
    timings = []
    for attempt in range(requests):
        started = time.perf_counter()
        client.get(path(requests + attempt))
        timings.append((time.perf_counter() - started) * 1000)
    # A fast page is profiled over more requests, so that its report rests on
    # thousands of samples rather than a few hundred.
    profiler = Profiler(interval=SAMPLE_INTERVAL_S)
    profiler.start()
    started = time.perf_counter()
    attempt = 0
    while attempt < requests or (
        time.perf_counter() - started < MINIMUM_PROFILE_SECONDS and attempt < MAXIMUM_REQUESTS
    ):
        client.get(path(attempt))
        attempt += 1
    profiler.stop()
    report = profiler.output_text(unicode=False, color=False, show_all=False)
    return report, statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("keys", nargs="*", default=list(DEFAULT_KEYS), metavar="KEY")
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client

    from bench.loadtest import HOST, _admin_session, _endpoints

    endpoints = {endpoint.key: endpoint for endpoint in _endpoints()}
    unknown = [key for key in options.keys if key not in endpoints]
    if unknown:
        parser.error(f"unknown endpoint(s) {', '.join(unknown)}; known: {', '.join(endpoints)}")
    _, admin = _admin_session()
    reader = Client(HTTP_HOST=HOST)
    staff = Client(HTTP_HOST=HOST)
    staff.force_login(admin)
    options.output_dir.mkdir(parents=True, exist_ok=True)
    for key in options.keys:
        endpoint = endpoints[key]
        if endpoint.missing:
            print(f"  {key}: missing ({endpoint.missing}), not profiled")
            continue
        client = staff if key.startswith("ADM") else reader
        report, median_ms = profile_endpoint(endpoint, client, options.requests)
        target = options.output_dir / f"profile-{key}.txt"
        target.write_text(
            f"# {key} {endpoint.label}: {endpoint.path}\n"
            f"# {options.requests} requests in process; unprofiled, the median took "
            f"{median_ms:.1f} ms. Profiled over at least {MINIMUM_PROFILE_SECONDS} s.\n\n"
            f"{report}"
        )
        print(f"  {key}: median {median_ms:.1f} ms in process; profile in {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
