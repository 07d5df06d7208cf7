"""Published articles as open data: what readers can see, and nothing else.

Only language versions with a live revision appear, and only through that
revision: drafts, revisions waiting for review and unpublished versions
never do. A claim appears when it is anchored in at least one published
version, with its anchors in the published versions only.
"""

# No `from __future__ import annotations` here: ninja reads the annotations of a view
# that `@paginate` wraps in ninja's own module, where names given as strings would
# not resolve.

from collections import defaultdict

from django.conf import settings
from django.db.models import F, Min, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import override

from api import schemas
from api.errors import NotFound
from api.http import conditional
from api.links import Links
from api.pagination import Shown
from api.routers import DataRouter
from articles.models import (
    Article,
    Claim,
    ClaimAnchor,
    Evidence,
    Revision,
    Translation,
)
from articles.text.rendering import claim_marks, render_body

articles = DataRouter(tags=["articles"])
corrections = DataRouter(tags=["corrections"])


def _authors(versions: list[Translation]) -> list[dict[str, str]]:
    """The bylines readers see: those the first published version's claims carry."""
    first = next((version for version in versions if version.live_claim_set_id), None)
    if first is None:
        return []
    return [
        {"name": author.name, "slug": author.slug, "affiliation": author.affiliation}
        for author in first.live_bylines
    ]


def _published_versions():
    return (
        Translation.objects.published()
        .select_related("article", "live_revision", "live_claim_set")
        .order_by("-is_original", "language")
    )


@articles.listing("/", schemas.ArticleOut, url_name="articles", summary="List published articles")
def list_articles(request: HttpRequest, response: HttpResponse):
    """Articles readers can see in at least one language, latest first published first."""
    conditional(request, response)
    rows = (
        Article.objects.published()
        .annotate(
            first_published_at=Min(
                "translations__first_published_at",
                filter=Q(translations__live_revision__isnull=False),
            )
        )
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=_published_versions().defer("live_revision__body"),
                to_attr="published_versions",
            ),
        )
        .order_by(F("first_published_at").desc(nulls_last=True), "-pk")
    )
    links = Links(request)
    return Shown(rows, lambda article: _article_summary(article, links))


def _article_summary(article: Article, links: Links) -> dict:
    """An article as the list shows it; its `published_versions` and bylines must be loaded."""
    return {
        "slug": article.slug,
        "original_language": article.original_language,
        "languages": [version.language for version in article.published_versions],
        "versions": [
            {
                "language": version.language,
                "is_original": version.is_original,
                "title": version.live_revision.title,
                "first_published_at": version.first_published_at,
                "url": links.absolute(version.get_absolute_url()),
            }
            for version in article.published_versions
        ],
        "first_published_at": article.first_published_at,
        "originally_published_on": article.originally_published_on,
        "source_publication": article.source_publication,
        "authors": _authors(article.published_versions),
        "api_url": links.api("article", slug=article.slug),
    }


# The field the API's URL of each kind of evidence target is keyed by.
_TARGET_KEYS = {"organization": "slug", "event": "key", "instrument": "slug"}


def _target(evidence: Evidence, links: Links) -> dict[str, str]:
    kind = next(kind for kind in _TARGET_KEYS if getattr(evidence, f"{kind}_id"))
    record = getattr(evidence, kind)
    key = getattr(record, _TARGET_KEYS[kind])
    with override(settings.LANGUAGE_CODE):
        return {
            "type": kind,
            "key": key,
            "name": record.name if kind == "organization" else str(record),
            "url": links.page(record),
            "api_url": links.api(kind, **{_TARGET_KEYS[kind]: key}),
        }


@articles.detail(
    "/{slug}/",
    schemas.ArticleDetailOut,
    url_name="article",
    summary="One published article: its published versions and their claims",
)
def get_article(request: HttpRequest, response: HttpResponse, slug: schemas.LongSlug):
    """Each published version's live text (Markdown and HTML) and the claims anchored in them."""
    conditional(request, response)
    article = Article.objects.published().prefetch_related("topics").filter(slug=slug).first()
    if article is None:
        raise NotFound(_("There is no published article %(slug)s.") % {"slug": slug})
    versions = list(_published_versions().filter(article=article).with_outdated())
    by_id = {version.pk: version for version in versions}
    # Each version shows the claims a moderator approved for it: its live claim set.
    in_set: dict[int, dict[int, Claim]] = defaultdict(dict)
    for claim in (
        Claim.objects.filter(claim_set__in={version.live_claim_set_id for version in versions})
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "anchors",
                queryset=ClaimAnchor.objects.filter(translation__in=by_id).order_by(
                    "translation_id"
                ),
            ),
            Prefetch("evidence", queryset=Evidence.objects.with_targets()),
        )
    ):
        in_set[claim.claim_set_id][claim.number] = claim

    def anchored(version: Translation) -> list[tuple[Claim, ClaimAnchor]]:
        return [
            (claim, anchor)
            for claim in in_set[version.live_claim_set_id].values()
            for anchor in claim.anchors.all()
            if anchor.translation_id == version.pk
        ]

    states: dict[tuple[int, int], str] = {}
    versions_out = []
    links = Links(request)
    for version in versions:
        revision = version.live_revision
        # The note links' labels are in the version's language, as on its page.
        with override(version.language):
            rendered = render_body(
                revision.body, claim_marks(in_set[version.live_claim_set_id].values(), version.pk)
            )
        for number, resolution in rendered.resolutions.items():
            states[(version.pk, number)] = resolution.state.value
        versions_out.append(
            {
                "language": version.language,
                "is_original": version.is_original,
                "outdated": version.is_outdated,
                "title": revision.title,
                "standfirst": revision.standfirst,
                "revision": {"number": revision.number, "created_at": revision.created_at},
                "claims_version": (
                    version.live_claim_set.number if version.live_claim_set_id else None
                ),
                "first_published_at": version.first_published_at,
                "body": revision.body,
                "html": str(rendered.html),
                "url": links.absolute(version.get_absolute_url()),
            }
        )

    # A claim as the first version that shows it (the original first) has it,
    # with its anchor in every published version that shows it.
    claims: dict[int, dict] = {}
    for version in versions:
        for claim, anchor in anchored(version):
            entry = claims.get(claim.number)
            if entry is None:
                entry = claims[claim.number] = {
                    "number": claim.number,
                    "statement": claim.statement,
                    "kind": claim.kind,
                    "verdict": claim.verdict,
                    "note": claim.note,
                    "anchors": [],
                    "evidence": [
                        {
                            "relation": evidence.relation,
                            "note": evidence.note,
                            "target": _target(evidence, links),
                        }
                        for evidence in claim.evidence.all()
                    ],
                }
            entry["anchors"].append(
                {
                    "language": version.language,
                    "quote": anchor.quote,
                    "prefix": anchor.prefix,
                    "suffix": anchor.suffix,
                    "state": states[(version.pk, claim.number)],
                }
            )

    return {
        "slug": article.slug,
        "original_language": article.original_language,
        "source_publication": article.source_publication,
        "source_url": article.source_url,
        "originally_published_on": article.originally_published_on,
        "first_published_at": min(
            (version.first_published_at for version in versions if version.first_published_at),
            default=None,
        ),
        "authors": _authors(versions),
        "topics": [domain.slug for domain in article.topics.all()],
        "versions": versions_out,
        "claims": [claims[number] for number in sorted(claims)],
        "api_url": links.api("article", slug=article.slug),
    }


def _corrections():
    # A correction is a revision with a note that reached readers; those of
    # versions readers can no longer see are left out with them.
    return Revision.objects.filter(
        corrected_at__isnull=False, translation__live_revision__isnull=False
    ).exclude(correction_note="")


@corrections.listing(
    "/", schemas.CorrectionOut, url_name="corrections", summary="List published corrections"
)
def list_corrections(request: HttpRequest, response: HttpResponse):
    """Corrections to published versions, latest first: what changed and when readers were told."""
    conditional(request, response)
    rows = (
        _corrections()
        .select_related("translation__article")
        .only(
            "number",
            "correction_note",
            "corrected_at",
            "translation__language",
            "translation__article__slug",
        )
        .order_by("-corrected_at", "-pk")
    )
    links = Links(request)
    return Shown(
        rows,
        lambda revision: {
            "article": revision.translation.article.slug,
            "language": revision.translation.language,
            "revision": revision.number,
            "note": revision.correction_note,
            "published_at": revision.corrected_at,
            "url": links.absolute(revision.translation.get_absolute_url()),
            "article_api_url": links.api("article", slug=revision.translation.article.slug),
        },
    )
