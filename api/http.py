"""What every API answer shares: read-only methods, validators, the rate limit.

Each URL of the API is a `ReadOnlyEndpoint`: Django's View answers OPTIONS
and refuses writes, and ninja's operation (GET, and HEAD through a
`ReadOnlyRouter`) answers the rest. ninja counts each request to an
operation against its address's rate limit (`AddressRateThrottle`); CORS is
django-cors-headers' (see the settings). Each operation first calls
`conditional`, which derives the answer's validators from the content
generation (`freshness`), as the site's pages do, and answers 304 before any
record is loaded when the client's copy is current.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from ninja import Router
from ninja.throttling import AnonRateThrottle

from config.proxies import client_address
from freshness.generation import ContentState, content_state
from freshness.http import Validators

# Tells the API's answers apart from the pages at the same generation.
REPRESENTATION = "api"

# Readers and caches may reuse a response this long before revalidating it.
CACHE_SECONDS = 60

DEFAULT_RATE_LIMIT = 120


class ConditionalResponse(Exception):
    """The answer to a conditional request, ready before any record is loaded: a 304 or a 412.

    Raised rather than returned so that it passes through ninja's pagination,
    which expects rows from the operation; the API's handler answers with it.
    """

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def conditional(
    request: HttpRequest,
    response: HttpResponse,
    *,
    dated: bool = False,
    state: ContentState | None = None,
) -> None:
    """Give `response` the validators of the answer to `request`, or raise ConditionalResponse.

    The validators move with every content change (`freshness`), whatever
    records the answer shows, and with the release; `dated` answers (a
    membership status today) also change at midnight. `state` stands in for
    the content state for an answer that depends on code only. Raises with a
    304 when the caller's copy (If-None-Match, else If-Modified-Since) is
    current and with a 412 when an If-Match or If-Unmodified-Since
    precondition fails.
    """
    validators = Validators.of(
        request,
        content_state() if state is None else state,
        dated=dated,
        representation=REPRESENTATION,
    )
    if (answer := validators.not_modified(request, max_age=CACHE_SECONDS)) is not None:
        raise ConditionalResponse(answer)
    validators.apply(response, max_age=CACHE_SECONDS)


class AddressRateThrottle(AnonRateThrottle):
    """ninja's throttle, at `rate_limit()` requests a minute from each caller's address.

    The address is the one `config.proxies.client_address` decides, as for
    login throttling. ninja keeps each address's recent requests in Django's
    cache, so every app server shares the count when the cache is shared
    (Redis); a request is allowed again a minute after the oldest one counted.
    """

    scope = "api"

    def __init__(self) -> None:
        super().__init__(rate=f"{DEFAULT_RATE_LIMIT}/min")

    def allow_request(self, request: HttpRequest) -> bool:
        """Whether `request` is within its address's limit; it is counted if so."""
        # Read on each request, so that a change of the setting needs no new API.
        self.num_requests = rate_limit()
        return not self.num_requests or super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str:
        # Hashed, so that a cache key never holds an address or what a caller wrote.
        address = client_address(request) or "unknown"
        return hashlib.sha256(address.encode()).hexdigest()[:32]


def rate_limit() -> int:
    """Requests one address may make per minute; 0 turns the limit off.

    The `API_RATE_LIMIT` setting wins, then the environment variable of that
    name, then DEFAULT_RATE_LIMIT.
    """
    value = getattr(settings, "API_RATE_LIMIT", None)
    if value is None:
        value = os.environ.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT
    return max(int(value), 0)


class ReadOnlyRouter(Router):
    """A ninja router whose GET operations answer HEAD too, as Django's generic views do.

    A HEAD runs the operation as a GET does, so its headers (the validators,
    Content-Length) are the GET's; the web server sends no body with it.
    """

    def get(self, path: str, **kwargs: Any) -> Callable:
        """Register a GET (and HEAD) operation at `path`, with ninja's `get` arguments."""
        return self.api_operation(["GET", "HEAD"], path, **kwargs)


# The API keeps no session and reads no cookie: a refused write is a 405, never a
# CSRF failure.
@method_decorator(csrf_exempt, name="dispatch")
class ReadOnlyEndpoint(View):
    """One URL of the API: GET and HEAD go to ninja's operations, OPTIONS lists them.

    Django's View answers OPTIONS, and any other method with a 405, with
    `Allow: GET, HEAD, OPTIONS`.
    """

    http_method_names = ["get", "head", "options"]
    operations: Callable[..., HttpResponse] | None = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """ninja's answer; Django's View sends HEAD here too."""
        return self.operations(request, *args, **kwargs)
