"""Every page type of the site, found by walking the URL resolver, with a sample URL each.

Patterns without parameters are sampled as they are. A pattern with
parameters needs an entry in PUBLIC_SAMPLES (or, in the admin, an object of
its model), so that a new page type cannot slip past the header, CSP and
access tests unnoticed: `test_every_named_page_type_has_a_sample` fails
until it is given one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import translation

ADMIN_NAMESPACES = ("admin", "review")
DEMO_ARTICLE = "a-year-of-american-exits"

# Sample keyword arguments for the public page types that take parameters,
# by URL name; each receives the test's `Samples`.
PUBLIC_SAMPLES: dict[str, Callable[[Samples], dict]] = {
    "articles:detail": lambda samples: {"slug": samples.article_slug},
    "organizations:detail": lambda samples: {"slug": samples.organization_slug},
    "organizations:instrument": lambda samples: {"slug": samples.instrument_slug},
    "organizations:feed": lambda samples: {"slug": samples.organization_slug},
    "sitemap_section": lambda samples: {"section": "articles"},
    "organizations:download_csv": lambda samples: {"table": "events"},
    "api:article": lambda samples: {"slug": samples.article_slug},
    "api:organization": lambda samples: {"slug": samples.organization_slug},
    "api:instrument": lambda samples: {"slug": samples.instrument_slug},
    "api:event": lambda samples: {"key": samples.event_key},
}


@dataclass(frozen=True)
class Samples:
    """The records whose pages stand for their page type."""

    article_slug: str = DEMO_ARTICLE
    organization_slug: str = "world-health-organization"
    instrument_slug: str = "eo-14155"
    event_key: str = "world-health-organization-withdrawal-effective-2025-01-22"


@dataclass(frozen=True)
class NamedPattern:
    name: str
    route: str
    parameters: tuple[str, ...]
    namespace: str

    @property
    def is_admin(self) -> bool:
        return self.namespace in ADMIN_NAMESPACES


def _walk(patterns, route: str = "", namespace: str = "") -> Iterator[NamedPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if isinstance(pattern.pattern, RoutePattern):
                parameters = tuple(pattern.pattern.converters)
            else:
                parameters = tuple(pattern.pattern.regex.groupindex) or tuple(
                    f"group{index}" for index in range(pattern.pattern.regex.groups)
                )
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield NamedPattern(name, route + str(pattern.pattern), parameters, namespace)


def named_patterns() -> list[NamedPattern]:
    """Every named URL pattern of the site."""
    return list(_walk(get_resolver().url_patterns))


def public_patterns() -> list[NamedPattern]:
    """The named patterns outside the admin and the review desk."""
    return [pattern for pattern in named_patterns() if not pattern.is_admin]


def unsampled_public_patterns() -> list[str]:
    """Public page types with parameters that PUBLIC_SAMPLES does not cover."""
    return [
        pattern.name
        for pattern in public_patterns()
        if pattern.parameters and pattern.name not in PUBLIC_SAMPLES
    ]


def public_urls(samples: Samples | None = None, *, language: str = "en") -> dict[str, str]:
    """One URL per public page type, in `language` where the page has a language prefix."""
    samples = samples or Samples()
    urls = {}
    with translation.override(language):
        for pattern in public_patterns():
            if pattern.parameters:
                sample = PUBLIC_SAMPLES.get(pattern.name)
                if sample is None:
                    continue
                urls[pattern.name] = reverse(pattern.name, kwargs=sample(samples))
            else:
                urls[pattern.name] = reverse(pattern.name)
    return urls


def registered_models() -> list[type[models.Model]]:
    return list(admin.site._registry)


def _admin_name(model: type[models.Model], suffix: str) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}"


def admin_object_urls(model: type[models.Model], pk) -> dict[str, str]:
    """Every admin page of one object: change, history, delete and the custom ones."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
    urls = {}
    for pattern in named_patterns():
        if pattern.name.startswith(prefix) and pattern.parameters == ("object_id",):
            urls[pattern.name] = reverse(pattern.name, kwargs={"object_id": pk})
    return urls


def admin_urls(*, review_translation_id: int | None = None) -> dict[str, str]:
    """The admin's own pages, each model's changelist and add form, every page of the
    first object of each model, and the review desk."""
    urls = {
        "admin:login": reverse("admin:login"),
        "admin:index": reverse("admin:index"),
        "admin:password_change": reverse("admin:password_change"),
        "review:queue": reverse("review:queue"),
        "review:mine": reverse("review:mine"),
    }
    if review_translation_id is not None:
        urls["review:detail"] = reverse(
            "review:detail", kwargs={"translation_id": review_translation_id}
        )
    for model in registered_models():
        urls[_admin_name(model, "changelist")] = reverse(_admin_name(model, "changelist"))
        urls[_admin_name(model, "add")] = reverse(_admin_name(model, "add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.update(admin_object_urls(model, first.pk))
    return urls
