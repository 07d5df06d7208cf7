"""What every API response shares: validators for conditional requests, CORS, the rate limit.

`open_endpoint` wraps each URL of the API: it counts the request against
the caller's rate limit, answers CORS preflights, serves HEAD as a GET
without a body and marks every response readable from any origin. Each
operation computes a `Freshness` from cheap aggregates of the records it
shows, before loading them, and answers 304 when the client's copy is current.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from config.proxies import client_address

# Part of every ETag, with the time this package's code last changed: bump it
# when answers change because code elsewhere did (the article renderer, say).
REPRESENTATION_VERSION = "1"

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_REQUEST_HEADERS = "Accept, Accept-Language, If-Modified-Since, If-None-Match"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After"
PREFLIGHT_MAX_AGE = 24 * 60 * 60
# Readers and caches may reuse a response this long before revalidating it.
CACHE_SECONDS = 60

DEFAULT_RATE_LIMIT = 120
RATE_WINDOW_SECONDS = 60

# Every answer changes when the code that writes it does; those that depend on
# no record (the schema, the index, the empty corrections list) only then.
CODE_MODIFIED_AT = datetime.datetime.fromtimestamp(
    max(path.stat().st_mtime for path in Path(__file__).parent.glob("*.py")), tz=datetime.UTC
).replace(microsecond=0)


@dataclass(frozen=True)
class Freshness:
    """The validators of one response: what it was computed from, and when that last changed.

    `parts` are cheap facts about the records involved (counts, latest
    timestamps); the ETag hashes them with the request's path and query and
    the active language, so two different representations never share one.
    """

    parts: tuple
    last_modified: datetime.datetime

    @classmethod
    def of(
        cls,
        *parts,
        modified: Iterable[datetime.datetime | None] = (),
        dated: bool = False,
    ) -> Freshness:
        """Validators from `parts` and the latest of `modified`.

        `dated` responses derive something from today's date (a membership
        status today): they change at midnight even when no record does.
        """
        stamps = [CODE_MODIFIED_AT, *(stamp for stamp in modified if stamp is not None)]
        if dated:
            today = timezone.localdate()
            parts = (*parts, today.isoformat())
            stamps.append(timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)))
        return cls(parts=parts, last_modified=max(stamps))

    def etag(self, request: HttpRequest) -> str:
        material = repr(
            (
                REPRESENTATION_VERSION,
                CODE_MODIFIED_AT,
                get_language(),
                request.get_full_path(),
                self.parts,
            )
        )
        return f'"{hashlib.sha256(material.encode()).hexdigest()[:32]}"'

    def apply(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Set ETag, Last-Modified and Cache-Control on `response`."""
        response["ETag"] = self.etag(request)
        response["Last-Modified"] = http_date(self.last_modified.timestamp())
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        """A 304 when the client's copy (If-None-Match, else If-Modified-Since) is current.

        Also a 412 when an If-Match or If-Unmodified-Since precondition fails.
        """
        validators = self.apply(request, HttpResponse())
        answer = get_conditional_response(
            request,
            etag=validators["ETag"],
            last_modified=int(self.last_modified.timestamp()),
            response=validators,
        )
        # Without a condition that holds, Django hands the validators back unchanged.
        return None if answer is validators else answer


def rate_limit() -> int:
    """Requests one address may make per minute; 0 turns the limit off.

    The `API_RATE_LIMIT` setting wins, then the environment variable of that
    name, then DEFAULT_RATE_LIMIT.
    """
    value = getattr(settings, "API_RATE_LIMIT", None)
    if value is None:
        value = os.environ.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT
    return max(int(value), 0)


def seconds_until_allowed(request: HttpRequest, *, now: float | None = None) -> int | None:
    """Count this request in its address's fixed one-minute window.

    None while the address is within its limit, else the seconds until the
    window closes. The counter lives in Django's cache, so every app server
    shares it when the cache is shared (Redis).
    """
    limit = rate_limit()
    if not limit:
        return None
    now = time.time() if now is None else now
    window = int(now // RATE_WINDOW_SECONDS)
    address = hashlib.sha256((client_address(request) or "unknown").encode()).hexdigest()[:32]
    key = f"api:rate:{address}:{window}"
    if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            # The key expired between add and incr: this request opens a new window.
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS + 1)
            count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))


def too_many_requests(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": _("Too many requests: at most %(limit)s a minute from one address.")
            % {"limit": rate_limit()},
            "errors": {},
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def preflight() -> HttpResponse:
    """The answer to OPTIONS: which methods and request headers any origin may use."""
    response = HttpResponse(status=204)
    response["Allow"] = ALLOWED_METHODS
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def open_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an API view: rate limit, CORS for any origin, OPTIONS and HEAD."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        retry_after = seconds_until_allowed(request)
        if retry_after is not None:
            response = too_many_requests(retry_after)
        elif request.method == "OPTIONS":
            response = preflight()
        elif request.method == "HEAD":
            request.method = "GET"
            response = view(request, *args, **kwargs)
            request.method = "HEAD"
            if not response.streaming:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        else:
            response = view(request, *args, **kwargs)
        if response.status_code == 405:
            response["Allow"] = ALLOWED_METHODS
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    return csrf_exempt(wrapped)
