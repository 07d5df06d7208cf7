"""Template helpers for what machines read on a page: canonical URL, JSON-LD, Open Graph.

The JSON-LD tags gather values from objects the page's view already loaded
and hand them to the pure builders in `articles.structured_data`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import Author, Translation
from reader import structured_data

register = template.Library()

# Query parameters that change how a page is shown or delivered but not which
# content it holds: the canonical URL leaves them out.
NON_CANONICAL_PARAMETERS = frozenset({"sort", "format", "preview"})

# What `json_script` escapes: no `</script>`, `<!--` or `&` can end or bend
# the script element, and the JSON stays valid.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value) -> SafeString:
    """`value` as JSON safe to place inside a `<script>` element."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=False)
    return mark_safe(text.translate(_JSON_ESCAPES))  # every `<`, `>` and `&` is escaped


@register.filter
def og_locale(language: str) -> str:
    """A language code as an Open Graph locale (`zh-hans` → `zh_CN`)."""
    return structured_data.og_locale(language or settings.LANGUAGE_CODE)


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


def canonical_query(params) -> str:
    """The query string of a canonical URL: content-selecting parameters only, sorted.

    Parameters in NON_CANONICAL_PARAMETERS, empty values and `page=1` are
    dropped, so that a sorted, downloaded or first page shares the URL of the
    plain one.
    """
    pairs = []
    for key in sorted(params):
        if key in NON_CANONICAL_PARAMETERS:
            continue
        for value in params.getlist(key):
            if value == "" or (key == "page" and value == "1"):
                continue
            pairs.append((key, value))
    return urlencode(pairs)


@register.simple_tag(takes_context=True)
def canonical_url(context, path: str | None = None) -> str:
    """The absolute canonical URL of the page, or of `path` without its query string.

    Error pages, which Django renders with `request_path` in the context,
    have none: there is no page to point at.
    """
    request = context.get("request")
    if request is None or context.get("request_path"):
        return ""
    if path is not None:
        return request.build_absolute_uri(path)
    query = canonical_query(request.GET)
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def _live_since(translation: Translation):
    if hasattr(translation, "live_since"):
        return translation.live_since
    from articles.selectors import live_since

    return (
        Translation.objects.filter(pk=translation.pk)
        .annotate(live_since=live_since())
        .values_list("live_since", flat=True)
        .first()
    )


@register.simple_tag(takes_context=True)
def article_structured_data(
    context,
    translation: Translation,
    authors: Sequence[Author],
    claims: Sequence,
    versions: Sequence[dict],
) -> dict:
    """JSON-LD for a published article page (one query when `translation` lacks `live_since`).

    `claims` are the page's claim entries (`selectors.ClaimEntry`), `versions`
    its published language links (`code`, `absolute_url`).
    """
    request = context["request"]
    revision = translation.live_revision
    url = request.build_absolute_uri(translation.get_absolute_url())
    original_language = translation.article.original_language
    return structured_data.article_json_ld(
        url=url,
        headline=revision.title,
        description=revision.standfirst or revision.title,
        language=translation.language,
        is_original=translation.is_original,
        authors=[
            structured_data.Person(name=author.name, affiliation=author.affiliation)
            for author in authors
        ],
        published=translation.first_published_at,
        modified=_live_since(translation),
        publisher_name=settings.SITE_NAME,
        publisher_url=request.build_absolute_uri(reverse("home")),
        versions=[
            structured_data.Version(
                language=link["code"],
                url=link["absolute_url"],
                is_original=link["code"] == original_language,
            )
            for link in versions
        ],
        claims=[
            structured_data.ReviewedClaim(
                number=entry.claim.number,
                statement=entry.claim.statement,
                verdict=entry.claim.verdict,
                verdict_label=str(entry.claim.get_verdict_display()),
                evidence_urls=[
                    request.build_absolute_uri(item.evidence.get_target_url())
                    for item in entry.evidence
                ],
            )
            for entry in claims
        ],
    )


def _organization_facts(request, organization, *, with_parent: bool = True):
    aliases = []
    if with_parent:
        for name in organization.names.all():
            aliases += [name.name, name.acronym]
    parent = organization.parent if with_parent else None
    return structured_data.OrganizationFacts(
        url=request.build_absolute_uri(organization.get_absolute_url()),
        name=organization.name,
        kind=organization.kind,
        un_related=organization.un_related,
        acronym=organization.acronym,
        aliases=aliases,
        website=organization.website,
        wikidata_url=organization.wikidata_url,
        founded=organization.founded,
        description=organization.description,
        parent=_organization_facts(request, parent, with_parent=False) if parent else None,
    )


@register.simple_tag(takes_context=True)
def organization_structured_data(context, organization) -> dict:
    """JSON-LD for an organization page, from its prefetched names and parent (no query)."""
    return structured_data.organization_json_ld(
        _organization_facts(context["request"], organization)
    )
