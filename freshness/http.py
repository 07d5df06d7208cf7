"""Validators and the whole-page cache of the public pages, derived from the content state.

A page's ETag and its page-cache key are a hash of the content generation,
the database's epoch, the release, today's date (membership status is
computed for today), the language and the full URL, so a stale page is never
served and nothing has to be invalidated. A page answered from the cache or
with a 304 costs the one query that reads the content state.

Only anonymous GETs of known query parameters are answered from or stored
in the page cache: never a request carrying a session or pending messages,
never a preview, never a response that set a cookie, used the request's CSP
nonce or a CSRF token, or asked not to be stored.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from freshness.generation import ContentState, content_state, release

# Bump when pages change because code did in a way the release stamp cannot see.
PAGE_CACHE_VERSION = "3"
PAGE_CACHE_SECONDS = 24 * 60 * 60


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
    """The ETag and Last-Modified of one response for one request in one content state."""

    etag: str
    last_modified: datetime.datetime

    @classmethod
    def of(
        cls,
        request: HttpRequest,
        state: ContentState,
        *,
        dated: bool = True,
        representation: str = "page",
        scope: str | None = None,
    ) -> Validators:
        """Validators from the content state, the release and everything the URL selects.

        `dated` responses show something derived from today's date (a
        membership status today), so they change at midnight even when no
        record does. `representation` tells apart two kinds of answer to one
        URL (a page, an API document). `scope` narrows what the answer is
        built from to one app's tables (None: the whole site). A reader with
        a session gets validators of their own, so that a copy kept while
        signed out is never confirmed to them signed in.
        """
        digest, released_at = release()
        stamps = [released_at]
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
                representation,
                digest,
                state.epoch,
                scope,
                state.of(scope),
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

    def apply(self, response: HttpResponse, *, max_age: int | None = None) -> HttpResponse:
        """Set the validators on `response`.

        By default clients keep it but ask again before reusing it, and a
        shared cache must not answer a signed-in reader with an anonymous
        reader's copy. With `max_age`, any cache may reuse it that long.
        """
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified.timestamp())
        if max_age is None:
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
        else:
            patch_cache_control(response, public=True, max_age=max_age)
        return response

    def not_modified(
        self, request: HttpRequest, *, max_age: int | None = None
    ) -> HttpResponse | None:
        """A 304 when the client's copy (If-None-Match, else If-Modified-Since) is current.

        Also a 412 when an If-Match or If-Unmodified-Since precondition fails.
        """
        if not any(header in request.META for header in _CONDITIONS):
            return None
        validators = self.apply(HttpResponse(), max_age=max_age)
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


def public_page(
    view: Callable | None = None,
    *,
    parameters: Iterable[str] = ("page",),
    dated: bool = True,
):
    """Give a reader's page validators from the content state and the whole-page cache.

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
