"""Absolute links from API answers to public pages and to other API resources."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import override


class Links:
    """Builds the `url` (public page) and `api_url` fields of one request's answer.

    Public pages of registry records are linked in the site's default
    language, so that a record's `url` is the same whatever the caller's
    Accept-Language.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def page(self, record) -> str:
        """The public page of a registry record."""
        with override(settings.LANGUAGE_CODE):
            return self.absolute(record.get_absolute_url())

    def api(self, name: str, **kwargs) -> str:
        """An API resource, by its URL name in the `api` namespace."""
        return self.absolute(reverse(f"api:{name}", kwargs=kwargs))
