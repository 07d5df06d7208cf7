"""Public pages: the home page, article pages, and the health check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info
from django.views.decorators.http import require_safe

from articles import claimsets, selectors
from articles.evidence import corrections, figures
from articles.models import Revision, Translation
from articles.text.rendering import ClaimMark, render_body
from freshness.generation import release
from freshness.http import public_page
from freshness.keys import derived_key
from reader.languages import language_name, reader_language

PREVIEW_PERMISSION = "articles.view_translation"
BODY_CACHE_SECONDS = 24 * 60 * 60


@require_safe
@public_page(parameters=["page"])
def home(request: HttpRequest) -> HttpResponse:
    """The latest articles published in the reader's language, then those in others only."""
    language = reader_language()
    home_page = selectors.home_page(language=language, page_number=request.GET.get("page"))
    return render(
        request,
        "articles/home.html",
        {
            "page_obj": home_page.page,
            "translations": home_page.page.object_list,
            "in_other_languages": home_page.in_other_languages,
        },
    )


@dataclass(frozen=True)
class MarkedBody:
    """A body as HTML with its claims marked, and the numbers of the claims found in it."""

    html: SafeString
    found: frozenset[int]


def marked_body(
    *, revision: Revision, marks: Sequence[ClaimMark], cached: bool = True
) -> MarkedBody:
    """The revision's body with its claims marked, from the cache when rendered before.

    The marks come from the newsroom's claims and anchors, so the body is
    kept for as long as the newsroom's generation stands (a registry change
    leaves it), per revision and interface language (the note links'
    labels are translated), and for this release of the renderer.
    """
    key = None
    if cached:
        key = derived_key(
            "articles:body", release()[0], revision.pk, reader_language(), scope="articles"
        )
        hit = cache.get(key)
        if hit is not None:
            return MarkedBody(mark_safe(hit["html"]), frozenset(hit["found"]))  # cached render
    rendered = render_body(revision.body, marks)
    found = frozenset(
        number for number, resolution in rendered.resolutions.items() if resolution.is_found
    )
    if key is not None:
        cache.set(key, {"html": str(rendered.html), "found": sorted(found)}, BODY_CACHE_SECONDS)
    return MarkedBody(rendered.html, found)


def _published_links(request: HttpRequest, versions: Sequence[Translation], current: str):
    names = dict(settings.LANGUAGES)
    return [
        {
            "code": version.language,
            "name": names.get(version.language, version.language),
            "url": version.get_absolute_url(),
            "absolute_url": request.build_absolute_uri(version.get_absolute_url()),
            "current": version.language == current,
        }
        for version in versions
        if version.is_live
    ]


@require_safe
@public_page(parameters=[])
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One language version of an article as readers see it; `?preview=1` for staff.

    Readers get the live revision or a 404. Staff who may view translations
    can preview the latest revision of any version, marked as such and never
    cached (its `preview` parameter keeps it out of the page cache, and it is
    sent as private).
    """
    language = reader_language()
    versions = selectors.article_versions(slug=slug)
    translation = next((version for version in versions if version.language == language), None)
    if translation is None:
        raise Http404
    preview = (
        request.GET.get("preview") == "1"
        and translation.latest_revision is not None
        and request.user.is_staff
        and request.user.has_perm(PREVIEW_PERMISSION)
    )
    revision = translation.latest_revision if preview else translation.live_revision
    if revision is None:
        raise Http404

    article = translation.article
    original = next((version for version in versions if version.is_original), None)
    claims = selectors.claims_for_page(translation=translation, language=language, working=preview)
    figures.attach_to_claims(entry.claim for entry in claims)
    marks = [ClaimMark(entry.number, entry.quote, entry.claim.statement) for entry in claims]
    body = marked_body(revision=revision, marks=marks, cached=not preview)
    language_links = _published_links(request, versions, language)
    context = {
        "article": article,
        "translation": translation,
        "revision": revision,
        "authors": (claimsets.working_bylines(article.pk) if preview else translation.live_bylines),
        "original": original,
        "original_language_name": language_name(article.original_language),
        "first_published_on": article.originally_published_on
        or (
            original.first_published_at.date() if original and original.first_published_at else None
        ),
        "body_html": body.html,
        "claims": claims,
        "corrections": corrections.article_corrections(article=article),
        "marked": body.found,
        "preview": preview,
        "language_links": language_links,
        "content_lang": translation.language if translation.language != language else "",
        "content_dir": "rtl" if get_language_info(translation.language)["bidi"] else "ltr",
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        add_never_cache_headers(response)
    return response
