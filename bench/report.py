"""Regenerate the results section of docs/benchmarks.md from bench/results/latest.json.

    .venv/bin/python -m bench.report [--results PATH] [--doc PATH]

Only the text between the two `bench:results` markers is replaced; the rest
of the page is written by hand. The same tables are printed to standard output.
Needs no Django and no database.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
DOC = ROOT / "docs" / "benchmarks.md"
# The document holds one section per results file, between markers named by --section.
MARKERS = "<!-- bench:{section}:start -->", "<!-- bench:{section}:end -->"

ENDPOINT_ORDER = ("T", "S", "H", "A", "AC", "N", "L", "O", "E", "Q", "ADM-O", "ADM-E")


@dataclass(frozen=True)
class Target:
    """A goal for one measured number: at least or at most `limit`."""

    label: str
    endpoint: str
    metric: str
    limit: float
    at_least: bool
    unit: str = ""
    full_scale_only: bool = False


TARGETS = (
    *(
        Target(f"{key} throughput ≥ {limit} x T", key, "ratio_to_t", limit, True, "x T")
        for key, limit in (
            ("A", 0.35),
            ("AC", 0.6),
            ("N", 0.8),
            ("L", 0.3),
            ("O", 0.35),
            ("E", 0.3),
            ("H", 0.4),
            ("S", 1.5),
        )
    ),
    *(Target(f"{key} p99 ≤ 50 ms", key, "p99_ms", 50, False, "ms") for key in ("A", "L", "O")),
    Target("Q p95 ≤ 100 ms", "Q", "p95_ms", 100, False, "ms"),
    Target("Admin organizations p99 ≤ 300 ms", "ADM-O", "p99_ms", 300, False, "ms"),
    Target("Admin membership events p99 ≤ 300 ms", "ADM-E", "p99_ms", 300, False, "ms"),
    Target(
        "load_registry of 10,000 organizations and 100,000 events ≤ 60 s",
        "load_registry",
        "seconds",
        60,
        False,
        "s",
        full_scale_only=True,
    ),
    Target("Worker peak memory ≤ 150 MB", "server", "worker_peak_rss_mb", 150, False, "MB"),
)


def _measured(results: dict, target: Target) -> tuple[float | None, str]:
    """The number a target is judged on, or None with the reason there is none."""
    if target.endpoint == "load_registry":
        return results.get("load_registry", {}).get("seconds"), ""
    if target.endpoint == "server":
        peaks = results.get("server", {}).get("worker_peak_rss_mb") or {}
        return (max(peaks.values()) if peaks else None), ""
    endpoint = results["endpoints"].get(target.endpoint, {})
    if endpoint.get("missing"):
        return None, f"endpoint missing: {endpoint['missing']}"
    if not endpoint.get("requests"):
        return None, "no request completed"
    return endpoint.get(target.metric), ""


def judge(results: dict, target: Target) -> tuple[str, str]:
    """The measured value as shown, and `met`, `missed` or why it was not judged."""
    value, reason = _measured(results, target)
    if value is None:
        return "-", f"missed ({reason})" if reason else "not measured"
    shown = f"{value:.3f} x T" if target.metric == "ratio_to_t" else f"{value:,.1f} {target.unit}"
    if target.full_scale_only and results.get("scale") != "full":
        return shown, "not judged at this scale"
    met = value >= target.limit if target.at_least else value <= target.limit
    return shown, "met" if met else "**missed**"


def _statuses(codes: dict[str, int]) -> str:
    return ", ".join(f"{status}: {count}" for status, count in codes.items()) or "-"


def _number(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def render(results: dict) -> str:
    """The results section: conditions, per-endpoint numbers, targets."""
    machine = results["machine"]
    server = results["server"]
    client = results["client"]
    settings = results["settings"]
    load = results.get("load_registry", {})
    peaks = server.get("worker_peak_rss_mb") or {}
    lines = [
        f"Measured {machine['date']} at commit `{machine['git_commit'][:12]}`"
        + (" (with uncommitted changes)" if machine.get("git_dirty") else "")
        + f", scale **{results['scale']}**, {results['database']['version']}.",
        "",
        f"- Machine: {machine['nproc']} x {machine['cpu_model']}, {machine['memory_mb']:,} MB, "
        f"Linux {machine['kernel']}, Python {machine['python']}; load average "
        f"{machine['load_average_before'][0]:.2f} before, "
        f"{machine.get('load_average_after', [0])[0]:.2f} after.",
        f"- Server: gunicorn, {server['gunicorn_workers']} {server['gunicorn_worker_class']} "
        f"worker(s) x {server['gunicorn_threads']} thread(s), pinned to core "
        f"{server['pinned_to_core']}; DEBUG={settings['DEBUG']}, CONN_MAX_AGE="
        f"{settings['DATABASE_CONN_MAX_AGE']}, cache {settings['CACHE'].rsplit('.', 1)[-1]}.",
        f"- Client: wrk, {client['threads']} threads, {client['connections']} connections, "
        f"pinned to core {client['pinned_to_core']}; {client['rounds']} interleaved rounds x "
        f"{client['seconds_per_endpoint_per_round']} s per endpoint.",
        f"- Page cache detected: {results.get('page_cache_detected')}; "
        f"worker peak RSS: {', '.join(f'{mb:g} MB' for mb in peaks.values()) or '-'}; "
        f"load_registry: {_number(load.get('seconds'), 2)} s for "
        f"{load.get('csv_rows', {}).get('organizations', 0):,} organizations and "
        f"{load.get('csv_rows', {}).get('events', 0):,} events.",
        "",
        "| | Endpoint | req/s | x T | p50 ms | p95 ms | p99 ms | alone ms | cold ms | bytes "
        "| statuses | queries |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    endpoints = results["endpoints"]
    notes = []
    for key in ENDPOINT_ORDER:
        endpoint = endpoints.get(key)
        if endpoint is None:
            continue
        label = (
            f"{endpoint['label']} `{endpoint['path']}`" if endpoint["path"] else endpoint["label"]
        )
        if endpoint.get("missing"):
            lines.append(f"| {key} | {label} | missing: {endpoint['missing']} ||||||||||")
            continue
        lines.append(
            f"| {key} | {label} | {_number(endpoint['requests_per_second'])} "
            f"| {_number(endpoint['ratio_to_t'], 2)} | {_number(endpoint['p50_ms'])} "
            f"| {_number(endpoint['p95_ms'])} | {_number(endpoint['p99_ms'])} "
            f"| {_number(endpoint.get('sequential_ms'))} | {_number(endpoint.get('cold_ms'))} "
            f"| {_number(endpoint['body_bytes'])} "
            f"| {_statuses(endpoint['status_codes'])} "
            f"| {_number(endpoint['queries'])} |"
        )
        notes += [f"{key}: {note}" for note in endpoint.get("notes", [])]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    lines += ["", "| Target | Measured | Result |", "|---|--:|---|"]
    for target in TARGETS:
        shown, verdict = judge(results, target)
        lines.append(f"| {target.label} | {shown} | {verdict} |")
    if results.get("errors"):
        lines += ["", "Errors:", *(f"- {error}" for error in results["errors"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the results section and write it into the document between the markers."""
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--section", default="results", help="Which markers to write between.")
    options = parser.parse_args(argv)
    start, end = (marker.format(section=options.section) for marker in MARKERS)
    section = render(json.loads(options.results.read_text(encoding="utf-8")))
    print(section)
    document = options.doc.read_text(encoding="utf-8")
    if start not in document or end not in document:
        print(f"{options.doc} lacks the {start} and {end} markers.", file=sys.stderr)
        return 1
    before, rest = document.split(start, 1)
    _old, after = rest.split(end, 1)
    options.doc.write_text(f"{before}{start}\n{section}\n{end}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
