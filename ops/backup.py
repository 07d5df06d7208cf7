"""Exporting the whole site to one file and restoring it into an empty database.

The file is Django's JSON Lines serialization, one record a line, models in
dependency order, so `loaddata` reads it back without holding it all in
memory. Foreign keys to users, groups, permissions and content types are
written as natural keys (username; group name; codename with app and model;
app and model), so a restore does not depend on the id a fresh database gave
each permission or content type. Every other record keeps its id, which is
what the registry history (django-reversion stores ids inside its versions)
and the public URLs need.

Left out, because a fresh `migrate` recreates them or they are worth nothing
once restored: content types, permissions, sessions (everyone logs in again)
and django-axes' login attempts.

A restore goes into an empty, migrated database only, in one transaction:
either everything is there afterwards or nothing is. The role groups that
migrations create are the one exception to "empty": groups are matched by
name, and the backup's permissions replace theirs.
"""

from __future__ import annotations

import bz2
import datetime
import gzip
import json
import lzma
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

# Apps and models never written to a backup, as app labels or "app.model". The
# content generation belongs to one database (the page cache's key): a restored
# database keeps its own.
EXCLUDED = frozenset(
    {
        "contenttypes",
        "auth.permission",
        "sessions",
        "axes",
        "freshness",
    }
)
# Matched by natural key on restore, so a fresh database may already hold them.
MERGED_BY_NATURAL_KEY: tuple[type[models.Model], ...] = (Group,)

COMPRESSORS: dict[str, Callable[..., IO[str]]] = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
}
SUFFIXES = (".jsonl", *(f".jsonl{compressed}" for compressed in COMPRESSORS))


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder without its rounding of times to milliseconds: a restored
    timestamp is the same timestamp, so orderings by time stay as they were."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The backup cannot be written or restored; nothing was changed."""


class SiteNotEmpty(BackupError):
    """The database already holds data a restore would collide with."""

    def __init__(self, occupied: dict[str, int]):
        self.occupied = occupied
        listed = ", ".join(f"{label} ({count})" for label, count in occupied.items())
        super().__init__(
            _(
                "The database is not empty: %(tables)s. import_site restores into an empty "
                "database only; create a new database, run migrate, then import."
            )
            % {"tables": listed}
        )


@dataclass
class BackupReport:
    """How many records of each model were written or restored."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def write(self, command, *, path, verbosity: int, summary: str) -> None:
        """Print the report from a management command: counts per model at -v 2, then `summary`
        (which may name %(count)d records, %(models)d models and %(path)s)."""
        if verbosity >= 2:
            for label, count in self.counts.items():
                command.stdout.write(f"{label}: {count}")
        if verbosity >= 1:
            command.stdout.write(
                command.style.SUCCESS(
                    summary % {"count": self.total, "models": len(self.counts), "path": path}
                )
            )


def site_models() -> list[type[models.Model]]:
    """Every model a backup holds, in an order in which they can be loaded again.

    Models with natural keys (users, groups) come before the models that
    refer to them by those keys.
    """
    app_list = {}
    for app_config in apps.get_app_configs():
        if app_config.label in EXCLUDED or not app_config.models_module:
            continue
        app_list[app_config] = [
            model
            for model in app_config.get_models()
            if model._meta.label_lower not in EXCLUDED
            and not model._meta.proxy
            and model._meta.managed
        ]
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _open(path: Path, mode: str, *, named: Path | None = None) -> IO[str]:
    """Open `path` as text, compressed as the name (`named`, default `path`) says."""
    name = (named or path).name.lower()
    if not name.endswith(SUFFIXES):
        raise BackupError(
            _("%(path)s: a site backup is a %(suffixes)s file.")
            % {"path": named or path, "suffixes": ", ".join(SUFFIXES)}
        )
    opener = COMPRESSORS.get((named or path).suffix.lower())
    if opener is not None:
        return opener(path, f"{mode}t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


@contextmanager
def _written_whole(path: Path) -> Iterator[IO[str]]:
    """A stream whose file appears at `path` only once everything was written."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with _open(partial, "w", named=path) as stream:
            yield stream
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _records(model: type[models.Model]) -> Iterator[models.Model]:
    # The base manager: a default manager that hid some rows would lose them.
    return model._base_manager.order_by("pk").iterator(chunk_size=2000)


def site_export(*, path: Path) -> BackupReport:
    """Write every record of the site to `path` (`.jsonl`, optionally `.gz`/`.bz2`/`.xz`).

    On PostgreSQL every table is read from one snapshot, so the file is one
    consistent moment of the site while editors keep working. SQLite has no
    such snapshot without locking writers out; back it up while nobody edits.
    The file appears only once it is complete: a failed export leaves no
    half-written backup behind (nor replaces an older one).
    """
    report = BackupReport()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _written_whole(path) as stream, _consistent_reads():
        for model in site_models():
            counter = _Counter(stream)
            serializers.serialize(
                "jsonl",
                _records(model),
                stream=counter,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=model in MERGED_BY_NATURAL_KEY,
                cls=ExactJSONEncoder,
            )
            if counter.lines:
                report.counts[model._meta.label_lower] = counter.lines
    return report


@contextmanager
def _consistent_reads() -> Iterator[None]:
    # Inside a transaction already, the caller's transaction decides what is seen.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _Counter:
    """A text stream that counts the lines (records) written through it."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def occupied_tables() -> dict[str, int]:
    """Models a restore would write that already hold rows, with their counts."""
    occupied = {}
    for model in site_models():
        if model in MERGED_BY_NATURAL_KEY:
            continue
        count = model._base_manager.count()
        if count:
            occupied[model._meta.label_lower] = count
    return occupied


def _read_counts(path: Path) -> BackupReport:
    """Count the records of each model, refusing a file that is not a site backup."""
    report = BackupReport()
    try:
        with _open(path, "r") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    label = record["model"]
                except (ValueError, TypeError, KeyError):
                    raise BackupError(
                        _("%(path)s:%(line)d: not a record of a site backup.")
                        % {"path": path, "line": number}
                    ) from None
                report.counts[label] = report.counts.get(label, 0) + 1
    except (OSError, EOFError, UnicodeDecodeError, lzma.LZMAError) as error:
        raise BackupError(
            _("%(path)s cannot be read: %(error)s") % {"path": path, "error": error}
        ) from error
    return report


def site_import(*, path: Path) -> BackupReport:
    """Restore a backup written by `site_export` into this empty database.

    Raises SiteNotEmpty (naming the tables that hold rows) before writing
    anything, and BackupError when the file cannot be read or does not fit
    the schema; in every failure the database is left as it was.
    """
    if not path.is_file():
        raise BackupError(_("%(path)s: no such file.") % {"path": path})
    report = _read_counts(path)
    try:
        with transaction.atomic():
            occupied = occupied_tables()
            if occupied:
                raise SiteNotEmpty(occupied)
            call_command("loaddata", str(path.resolve()), verbosity=0)
    except SiteNotEmpty:
        raise
    except Exception as error:
        raise BackupError(
            _("%(path)s could not be restored; nothing was written. %(error)s")
            % {"path": path, "error": error}
        ) from error
    return report
