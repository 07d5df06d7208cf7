"""The content generation: a number per scope that moves exactly when readers' content changes.

Every statement that writes to a table readers' pages are built from (the
tables of each app whose config sets `reader_content = True`: the registry
and the newsroom) is followed, on the same connection and inside the same
transaction, by one `ContentChange` row naming the app it wrote: its scope.
The sum of a scope's weights is that scope's generation, and the sum of all
is the site's. A generation changes exactly when a change commits, on every
app server at once, whatever made the change: a view, the admin,
`load_registry`, `QuerySet.update`, raw SQL through Django's connection.

Reading the state is one small query. Every cache key and validator of the
site is derived from it (`freshness.keys`, `freshness.http`), so nothing is
ever invalidated by hand and nothing stale is served: old entries simply
stop being asked for and expire.

A database written to outside Django (psql, `pg_restore` over a live
database) is not seen; clearing the cache afterwards is part of the restore
drill in docs/operations.md.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from contextlib import closing
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from freshness.models import ContentChange, ContentEpoch

# Past this many change rows, a reader folds them into one row per scope.
FOLD_AFTER = 1000

_CHANGES = ContentChange._meta.db_table
_EPOCHS = ContentEpoch._meta.db_table


# The release


@functools.cache
def release() -> tuple[str, datetime.datetime]:
    """A digest and time of the code and templates that write the pages, read once per process.

    A deploy that changes a template, the code of any of the project's apps
    or the static files' hashed names changes every derived key and
    validator. The digest is of the files' contents, so app servers running
    the same release agree on it (and share cached pages through Redis)
    whenever their files were copied.
    """
    base = Path(settings.BASE_DIR)
    folders = [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
    ]
    paths = sorted(
        path
        for path in (
            *(base / "templates").rglob("*.html"),
            *(path for folder in folders for path in folder.rglob("*.py")),
            Path(settings.STATIC_ROOT or base / "staticfiles") / "staticfiles.json",
        )
        if path.is_file()
    )
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(base) if path.is_relative_to(base) else path.name
        digest.update(str(name).encode())
        digest.update(path.read_bytes())
    newest = max((path.stat().st_mtime for path in paths), default=0)
    return digest.hexdigest()[:16], datetime.datetime.fromtimestamp(int(newest), tz=datetime.UTC)


# Recording changes


def content_scopes() -> tuple[str, ...]:
    """The labels of the apps whose tables readers' pages are built from."""
    return tuple(
        sorted(
            config.label
            for config in apps.get_app_configs()
            if getattr(config, "reader_content", False)
        )
    )


# A statement that writes: Django's own start with the verb; a CTE or raw SQL may not.
_WRITE_VERB = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|TRUNCATE|REPLACE)\b", re.IGNORECASE)
_ANY_WRITE_VERB = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@functools.cache
def _content_table() -> re.Pattern[str]:
    labels = "|".join(re.escape(label) for label in content_scopes())
    return re.compile(rf"\b({labels})_\w+") if labels else re.compile(r"(?!)")


def written_scopes(sql: str) -> frozenset[str]:
    """The scopes whose tables `sql` may write to; empty for reads and other tables."""
    head = sql.lstrip()[:10].upper()
    if head.startswith("WITH"):
        if not _ANY_WRITE_VERB.search(sql):
            return frozenset()
    elif not _WRITE_VERB.match(sql):
        return frozenset()
    return frozenset(match.group(1) for match in _content_table().finditer(sql))


def writes_content(sql: str) -> bool:
    """Whether `sql` may write to a table that a reader's page is built from."""
    return bool(written_scopes(sql))


@functools.cache
def _record_sql(scope: str) -> str:
    # Scopes are app labels, identifiers by construction; written as a literal
    # because the raw driver cursor has its own parameter style on each database.
    if not scope.isidentifier():
        raise ValueError(f"Not an app label: {scope!r}")
    return (
        f'INSERT INTO "{_CHANGES}" ("at", "weight", "scope") '
        f"VALUES (CURRENT_TIMESTAMP, 1, '{scope}')"
    )


def _table_ready(db) -> bool:
    """Whether this database has the change table as this code writes it yet.

    It has not during a database's first migrations, nor before the
    migration that adds a column this code writes: writes meanwhile are not
    recorded (a database being migrated serves no pages).
    """
    if getattr(db, "_content_changes_ready", False):
        return True
    with db.cursor() as cursor:
        ready = _CHANGES in db.introspection.table_names(cursor) and {"scope"} <= {
            column.name for column in db.introspection.get_table_description(cursor, _CHANGES)
        }
    db._content_changes_ready = ready
    return ready


def record_content_writes(execute, sql, params, many, context):
    """An execute wrapper: run a statement and, when it wrote content, note it on its connection.

    The row goes in after the statement succeeds, through a separate cursor,
    so the statement's own results (its row count, RETURNING rows) are
    untouched. In a transaction the row commits with the change, or is
    rolled back with it. In autocommit the change commits a moment before
    the row: a reader in between sees the old generation with the new data
    and keeps it under the old key, which nobody asks for once the row is
    in, so no reader is ever given old data under the new generation.
    """
    result = execute(sql, params, many, context)
    db = context["connection"]
    scopes = written_scopes(sql)
    if scopes and _table_ready(db):
        with db.wrap_database_errors, closing(db.connection.cursor()) as cursor:
            for scope in sorted(scopes):
                cursor.execute(_record_sql(scope))
        _forget_state(db.alias)
    return result


def _watch(sender, connection, **kwargs) -> None:
    if record_content_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(record_content_writes)


def watch_content_writes() -> None:
    """Record content writes on every connection Django opens (called by the app's `ready`)."""
    connection_created.connect(_watch, dispatch_uid="freshness.generation.watch")
    for db in connections.all(initialized_only=True):
        _watch(sender=type(db), connection=db)
    request_started.connect(_request_started, dispatch_uid="freshness.generation.started")
    request_finished.connect(_request_finished, dispatch_uid="freshness.generation.finished")


# Within one request the state is read once: a page, its filters and the
# values derived for it agree on one generation. A write on the request's own
# connection drops what was read, so it reads its own writes. Another server's
# change committing meanwhile is seen by the next request; what this one
# computes from the newer rows is kept under the older key, which readers
# stop asking for once the newer generation is read: never stale data under
# a new key.
_in_request: ContextVar[dict[str, ContentState] | None] = ContextVar(
    "freshness_state_in_request", default=None
)


def _request_started(**kwargs) -> None:
    _in_request.set({})


def _request_finished(**kwargs) -> None:
    _in_request.set(None)


def _forget_state(alias: str) -> None:
    read = _in_request.get()
    if read:
        read.pop(alias, None)


# Reading the state


@dataclass(frozen=True)
class ContentState:
    """The content generation of the database per scope, its epoch and when content last changed."""

    epoch: str
    generations: dict[str, int] = field(default_factory=dict)
    changed_at: datetime.datetime | None = None

    @property
    def generation(self) -> int:
        """The site's generation: it moves with every content write of any scope."""
        return sum(self.generations.values())

    def of(self, scope: str | None) -> int:
        """One scope's generation; the site's for None."""
        return self.generation if scope is None else self.generations.get(scope, 0)


def _as_datetime(value) -> datetime.datetime | None:
    """A time read with a raw cursor: aware from PostgreSQL, naive UTC (or text) from SQLite."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


_STATE_SQL = (
    'SELECT e."epoch", c."scope", c."total", c."changed_at", c."rows" '
    f'FROM (SELECT MAX("epoch") AS "epoch" FROM "{_EPOCHS}") e '
    'LEFT JOIN (SELECT "scope", SUM("weight") AS "total", MAX("at") AS "changed_at", '
    f'COUNT(*) AS "rows" FROM "{_CHANGES}" GROUP BY "scope") c ON 1 = 1'
)


def content_state() -> ContentState:
    """The current content state, in one query (once per request); folds the change rows
    when they pile up."""
    read = _in_request.get()
    if read is not None and (known := read.get(connection.alias)) is not None:
        return known
    state = _read_state()
    if read is not None:
        read[connection.alias] = state
    return state


def _read_state() -> ContentState:
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL)
        rows = cursor.fetchall()
    epoch = rows[0][0] if rows else ""
    generations = {}
    stamps = []
    count = 0
    for _epoch, scope, total, changed_at, scope_rows in rows:
        if scope is None:
            continue
        generations[scope] = int(total)
        stamps.append(_as_datetime(changed_at))
        count += scope_rows
    if count > FOLD_AFTER and not connection.in_atomic_block:
        fold_changes()
    return ContentState(
        epoch=epoch or "",
        generations=generations,
        changed_at=max((stamp for stamp in stamps if stamp is not None), default=None),
    )


def fold_changes(using: str = DEFAULT_DB_ALIAS) -> int:
    """Replace the change rows by one row per scope of their summed weight; no generation moves.

    The delete and the inserts commit together, so no reader sees the rows
    both counted and folded, or neither. Two folds at once cannot count a
    row twice: what each adds back is what its own delete removed, and the
    second one's delete finds the first one's rows gone. Returns the number
    of rows folded.
    """
    db = connections[using]
    with transaction.atomic(using=using), db.cursor() as cursor:
        cursor.execute(f'SELECT MAX("id") FROM "{_CHANGES}"')
        (top,) = cursor.fetchone()
        if top is None:
            return 0
        cursor.execute(
            f'DELETE FROM "{_CHANGES}" WHERE "id" <= %s RETURNING "scope", "weight", "at"', [top]
        )
        folded = cursor.fetchall()
        totals: dict[str, tuple[int, datetime.datetime]] = {}
        for scope, weight, at in folded:
            at = _as_datetime(at)
            total, latest = totals.get(scope, (0, at))
            totals[scope] = (total + weight, max(latest, at))
        ContentChange.objects.using(using).bulk_create(
            ContentChange(scope=scope, weight=weight, at=at)
            for scope, (weight, at) in sorted(totals.items())
        )
    return len(folded)
