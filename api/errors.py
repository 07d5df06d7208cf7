"""Errors the API answers with, each as `{"detail": ..., "errors": {...}}`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError

from api.http import ConditionalResponse, rate_limit


class NotFound(Http404):
    """A 404 whose message is meant for the caller."""


class InvalidParameters(Exception):
    """Parameters the registry's filters refused, with their messages per parameter."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _parameter_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # `loc` starts with where the parameter came from: ("query", "page_size").
        location = [str(part) for part in error.get("loc", ())]
        name = ".".join(location[1:]) or ".".join(location) or "request"
        errors.setdefault(name, []).append(str(error.get("msg", "")))
    return errors


def install_handlers(api: NinjaAPI) -> None:
    """Answer validation errors with 400, every 404 and 429 in the API's error shape.

    A conditional request answered from the validators alone (304, 412) gets that answer.
    """

    def invalid_parameters(request: HttpRequest, exc: InvalidParameters) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": _("Some parameters are invalid."), "errors": exc.errors},
            status=400,
        )

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return invalid_parameters(request, InvalidParameters(_parameter_errors(exc)))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        detail = str(exc) if isinstance(exc, NotFound) else _("Not found.")
        return api.create_response(request, {"detail": detail, "errors": {}}, status=404)

    def too_many_requests(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After to this answer.
        detail = _("Too many requests: at most %(limit)s a minute from one address.") % {
            "limit": rate_limit()
        }
        return api.create_response(request, {"detail": detail, "errors": {}}, status=429)

    def conditional_response(request: HttpRequest, exc: ConditionalResponse) -> HttpResponse:
        return exc.response

    api.add_exception_handler(ConditionalResponse, conditional_response)
    api.add_exception_handler(InvalidParameters, invalid_parameters)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Throttled, too_many_requests)
