"""Validators and a whole-page cache for the public pages, keyed by the site's content generation.

Every statement that writes to a table the public pages are built from (any
`articles_*` or `organizations_*` table) is followed, on the same connection
and inside the same transaction, by one row in `ContentChange`. The sum of
those rows' weights is the content generation: it changes exactly when a
change commits, on every app server at once, whatever made the change: a
view, the admin, `load_registry`, `QuerySet.update`, raw SQL through Django's
connection. A page's ETag and its
page-cache key are a hash of the generation, the database's epoch, the
release, today's date (membership status is computed for today), the
language and the full URL, so a stale page is never served and nothing has
to be invalidated: old entries simply stop being asked for and expire.

Reading the generation is one small query. A page answered from the cache
or with a 304 costs that query alone.

Only anonymous GETs of known query parameters are answered from or stored
in the page cache: never a request carrying a session or pending messages,
never a preview, never a response that set a cookie, used the request's CSP
nonce or a CSRF token, or asked not to be stored.

A database written to outside Django (psql, `pg_restore` over a live
database) is not seen; clearing the cache afterwards is part of the restore
drill in docs/operations.md.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import get_language

from articles.models import ContentChange, ContentEpoch

# Bump when pages change because code did in a way the release stamp below
# cannot see.
PAGE_CACHE_VERSION = "2"
PAGE_CACHE_SECONDS = 24 * 60 * 60
# Past this many change rows, a reader folds them into one row of their summed weight.
FOLD_AFTER = 1000

_BASE_DIR = Path(settings.BASE_DIR)


def _release_stamp() -> tuple[str, datetime.datetime]:
    """A digest and time of the code and templates that write the pages, read once per process.

    A deploy that changes a template, a view or the static files' hashed
    names changes every page's ETag and cache key. The digest is of the
    files' contents, so app servers running the same release agree on it
    (and share cached pages through Redis) whenever their files were copied.
    """
    paths = sorted(
        path
        for path in (
            *(_BASE_DIR / "templates").rglob("*.html"),
            *(_BASE_DIR / "articles").rglob("*.py"),
            *(_BASE_DIR / "organizations").rglob("*.py"),
            Path(settings.STATIC_ROOT or _BASE_DIR / "staticfiles") / "staticfiles.json",
        )
        if path.is_file()
    )
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(_BASE_DIR) if path.is_relative_to(_BASE_DIR) else path.name
        digest.update(str(name).encode())
        digest.update(path.read_bytes())
    newest = max((path.stat().st_mtime for path in paths), default=0)
    return digest.hexdigest()[:16], datetime.datetime.fromtimestamp(int(newest), tz=datetime.UTC)


RELEASE, RELEASED_AT = _release_stamp()


# Recording changes


_CHANGES = ContentChange._meta.db_table
_EPOCHS = ContentEpoch._meta.db_table
# A statement that writes: Django's own start with the verb; a CTE or raw SQL may not.
_WRITE_VERB = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|TRUNCATE|REPLACE)\b", re.IGNORECASE)
_ANY_WRITE_VERB = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_CONTENT_TABLE = re.compile(
    rf"\b(?:organizations_\w+|articles_(?!{_CHANGES.removeprefix('articles_')}\b"
    rf"|{_EPOCHS.removeprefix('articles_')}\b)\w+)"
)
_RECORD_SQL = f'INSERT INTO "{_CHANGES}" ("at", "weight") VALUES (CURRENT_TIMESTAMP, 1)'


def writes_content(sql: str) -> bool:
    """Whether `sql` may write to a table that a public page is built from."""
    head = sql.lstrip()[:10].upper()
    if head.startswith("WITH"):
        if not _ANY_WRITE_VERB.search(sql):
            return False
    elif not _WRITE_VERB.match(sql):
        return False
    return _CONTENT_TABLE.search(sql) is not None


def _table_ready(db) -> bool:
    """Whether this database has the change table yet (it has not during its first migrations)."""
    if getattr(db, "_content_changes_ready", False):
        return True
    with db.cursor() as cursor:
        ready = _CHANGES in db.introspection.table_names(cursor)
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
    if writes_content(sql) and _table_ready(db):
        with db.wrap_database_errors, closing(db.connection.cursor()) as cursor:
            cursor.execute(_RECORD_SQL)
    return result


def _watch(sender, connection, **kwargs) -> None:
    if record_content_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(record_content_writes)


def watch_content_writes() -> None:
    """Record content writes on every connection Django opens (called by the app's `ready`)."""
    connection_created.connect(_watch, dispatch_uid="articles.caching.watch")
    for db in connections.all(initialized_only=True):
        _watch(sender=type(db), connection=db)


# Reading the generation


@dataclass(frozen=True)
class ContentState:
    """The content generation of the database, its epoch and when content last changed."""

    epoch: str
    generation: int
    changed_at: datetime.datetime | None


def _as_datetime(value) -> datetime.datetime | None:
    """A time read with a raw cursor: aware from PostgreSQL, naive UTC (or text) from SQLite."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


_STATE_SQL = (
    f'SELECT COALESCE(SUM("weight"), 0), MAX("at"), COUNT(*), '
    f'(SELECT MAX("epoch") FROM "{_EPOCHS}") FROM "{_CHANGES}"'
)


def content_state() -> ContentState:
    """The current content state, in one query; folds the change rows when they pile up."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL)
        generation, changed_at, rows, epoch = cursor.fetchone()
    if rows > FOLD_AFTER and not connection.in_atomic_block:
        fold_changes()
    return ContentState(
        epoch=epoch or "", generation=int(generation), changed_at=_as_datetime(changed_at)
    )


def fold_changes(using: str = DEFAULT_DB_ALIAS) -> int:
    """Replace the change rows by one row of their summed weight; the generation stays the same.

    The delete and the insert commit together, so no reader sees the rows
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
        cursor.execute(f'DELETE FROM "{_CHANGES}" WHERE "id" <= %s RETURNING "weight", "at"', [top])
        folded = cursor.fetchall()
        if folded:
            ContentChange.objects.using(using).create(
                weight=sum(weight for weight, _ in folded),
                at=max(_as_datetime(at) for _, at in folded),
            )
    return len(folded)


# Validators and the page cache


def _carries_a_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def may_use_page_cache(request: HttpRequest, parameters: Iterable[str] = ("page",)) -> bool:
    """Whether the page cache may answer `request`: an anonymous GET or HEAD of a known URL.

    A reader with a session (signed in, or with messages waiting) always gets
    a freshly rendered page, and so does a URL with any query parameter the
    page does not take (a preview among them), so that made-up query strings
    cannot crowd the pages readers actually visit out of the cache.
    """
    return (
        request.method in {"GET", "HEAD"}
        and not _carries_a_session(request)
        and set(request.GET) <= set(parameters)
    )


# The request headers that can make a response conditional; without any, there is
# nothing to compare.
_CONDITIONS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


@dataclass(frozen=True)
class Validators:
    """The ETag and Last-Modified of one page for one request in one content state."""

    etag: str
    last_modified: datetime.datetime

    @classmethod
    def of(cls, request: HttpRequest, state: ContentState, *, dated: bool = True) -> Validators:
        """Validators from the content state, the release and everything the URL selects.

        `dated` pages show something derived from today's date (a membership
        status today), so they change at midnight even when no record does.
        A reader with a session gets validators of their own, so that a copy
        kept while signed out is never confirmed to them signed in.
        """
        stamps = [RELEASED_AT]
        if state.changed_at is not None:
            stamps.append(state.changed_at)
        today = ""
        if dated:
            day = timezone.localdate()
            today = day.isoformat()
            stamps.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))
        viewer = ""
        if _carries_a_session(request):
            session = (
                request.COOKIES.get(settings.SESSION_COOKIE_NAME),
                request.COOKIES.get("messages"),
            )
            viewer = hashlib.sha256(repr(session).encode()).hexdigest()
        material = repr(
            (
                PAGE_CACHE_VERSION,
                RELEASE,
                state.epoch,
                state.generation,
                today,
                request.scheme,
                request.get_host(),
                get_language(),
                request.get_full_path(),
                viewer,
            )
        )
        return cls(
            etag=f'"{hashlib.sha256(material.encode()).hexdigest()[:32]}"',
            last_modified=max(stamps),
        )

    @property
    def cache_key(self) -> str:
        return f"page:{self.etag.strip(chr(34))}"

    def apply(self, response: HttpResponse) -> HttpResponse:
        """Set the validators on `response`; clients keep it but ask again before reusing it.

        The content is the same for every reader, but a shared cache must not
        answer a signed-in reader with an anonymous reader's copy.
        """
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified.timestamp())
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        """A 304 when the client's copy (If-None-Match, else If-Modified-Since) is current."""
        if not any(header in request.META for header in _CONDITIONS):
            return None
        validators = self.apply(HttpResponse())
        answer = get_conditional_response(
            request,
            etag=self.etag,
            last_modified=int(self.last_modified.timestamp()),
            response=validators,
        )
        # Without a condition that holds, Django hands the response back unchanged.
        return None if answer is validators else answer


# Headers a stored page is answered with besides the validators.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Link")


def _is_private(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control or "private" in cache_control


def cached_page(validators: Validators) -> HttpResponse | None:
    """The page stored under these validators, or None."""
    hit = cache.get(validators.cache_key)
    if hit is None:
        return None
    response = HttpResponse(hit["content"], headers=hit["headers"])
    return validators.apply(response)


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether `response` may be kept for other anonymous readers.

    Not kept: responses other than a plain 200, any that set a cookie or
    asked not to be stored, and any whose content used the request's CSP
    nonce (a cached copy would carry a nonce its header no longer allows) or
    a CSRF token (another reader's form would fail).
    """
    user = getattr(request, "user", None)
    return not (
        request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or get_nonce(request)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or _is_private(response)
        or (user is not None and user.is_authenticated)
    )


def store_page(request: HttpRequest, validators: Validators, response: HttpResponse) -> bool:
    """Keep `response` under `validators` when it is storable; whether it was kept."""
    if not storable(request, response):
        return False
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    cache.set(
        validators.cache_key,
        {"content": response.content, "headers": headers},
        PAGE_CACHE_SECONDS,
    )
    return True


def cache_page(
    view: Callable | None = None,
    *,
    parameters: Iterable[str] = ("page",),
    dated: bool = True,
):
    """Give a public view validators from the content state and the whole-page cache.

    A GET or HEAD reads the content state (one query); a current copy gets a
    304, an anonymous reader of a URL with only `parameters` in its query
    string gets the stored page, and otherwise the view runs. Its 200
    responses get the validators and, when storable, are kept. A response the
    view marked private or not to be stored (a preview) is passed on as it is.
    """
    known = frozenset(parameters)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in {"GET", "HEAD"}:
                return view(request, *args, **kwargs)
            validators = Validators.of(request, content_state(), dated=dated)
            if (answer := validators.not_modified(request)) is not None:
                return answer
            use_cache = may_use_page_cache(request, known)
            if use_cache and (hit := cached_page(validators)) is not None:
                return hit
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or _is_private(response):
                return response
            if callable(getattr(response, "render", None)):
                response.render()
            validators.apply(response)
            if use_cache:
                store_page(request, validators, response)
            return response

        return cached

    return decorate(view) if view is not None else decorate
