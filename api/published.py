"""Published articles as open data: what readers can see, and nothing else.

Only language versions with a live revision appear, and only through that
revision: drafts, revisions waiting for review and unpublished versions
never do. A claim appears when it is anchored in at least one published
version, with its anchors in the published versions only.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import override
from ninja import Query, Router

from api import schemas
from api.errors import NotFound
from api.http import Freshness
from api.links import Links
from api.pagination import paginate
from articles.models import (
    Article,
    ArticleAuthor,
    Claim,
    ClaimAnchor,
    Evidence,
    Revision,
    Translation,
)
from articles.text.rendering import ClaimMark, render_body

articles = Router(tags=["articles"])
corrections = Router(tags=["corrections"])


def _bylines() -> Prefetch:
    return Prefetch(
        "bylines",
        queryset=ArticleAuthor.objects.select_related("author").order_by("position", "pk"),
    )


def _authors(article: Article) -> list[dict[str, str]]:
    return [
        {
            "name": byline.author.name,
            "slug": byline.author.slug,
            "affiliation": byline.author.affiliation,
        }
        for byline in article.bylines.all()
    ]


def _published_versions():
    return (
        Translation.objects.published()
        .select_related("article", "live_revision")
        .order_by("-is_original", "language")
    )


@articles.get(
    "/",
    response=schemas.responses(schemas.ArticlePage),
    url_name="articles",
    summary="List published articles",
    openapi_extra=schemas.OPENAPI_EXTRA,
)
def list_articles(request: HttpRequest, response: HttpResponse, query: Query[schemas.PageQuery]):
    """Articles readers can see in at least one language, latest first published first."""
    published = Article.objects.published()
    # Approving and unpublishing a version both touch its `updated_at`.
    stamp = published.order_by().aggregate(
        count=Count("pk", distinct=True),
        last=Max("updated_at"),
        version_count=Count("translations", distinct=True),
        versions_last=Max("translations__updated_at"),
    )
    freshness = Freshness.of(*stamp.values(), modified=[stamp["last"], stamp["versions_last"]])
    if (not_modified := freshness.not_modified(request)) is not None:
        return not_modified
    freshness.apply(request, response)

    rows = (
        published.annotate(
            first_published_at=Min(
                "translations__first_published_at",
                filter=Q(translations__live_revision__isnull=False),
            )
        )
        .prefetch_related(
            _bylines(),
            Prefetch(
                "translations",
                queryset=_published_versions().defer("live_revision__body"),
                to_attr="published_versions",
            ),
        )
        .order_by(F("first_published_at").desc(nulls_last=True), "-pk")
    )
    page = paginate(request, rows, count=stamp["count"], page=query.page, page_size=query.page_size)
    links = Links(request)
    return page.envelope(
        [
            {
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
                "authors": _authors(article),
                "api_url": links.api("article", slug=article.slug),
            }
            for article in page.rows
        ]
    )


def _target(evidence: Evidence, links: Links) -> dict[str, str]:
    with override(settings.LANGUAGE_CODE):
        if evidence.organization_id:
            organization = evidence.organization
            return {
                "type": "organization",
                "key": organization.slug,
                "name": organization.name,
                "url": links.page(organization),
                "api_url": links.api("organization", slug=organization.slug),
            }
        if evidence.event_id:
            event = evidence.event
            return {
                "type": "event",
                "key": event.key,
                "name": str(event),
                "url": links.page(event),
                "api_url": links.api("event", key=event.key),
            }
        instrument = evidence.instrument
        return {
            "type": "instrument",
            "key": instrument.slug,
            "name": str(instrument),
            "url": links.page(instrument),
            "api_url": links.api("instrument", slug=instrument.slug),
        }


@articles.get(
    "/{slug}/",
    response=schemas.responses(schemas.ArticleDetailOut),
    url_name="article",
    summary="One published article: its published versions and their claims",
    openapi_extra=schemas.OPENAPI_EXTRA,
)
def get_article(request: HttpRequest, response: HttpResponse, slug: schemas.LongSlug):
    """Each published version's live text (Markdown and HTML) and the claims anchored in them."""
    stamp = (
        Article.objects.published()
        .filter(slug=slug)
        .annotate(
            version_count=Count("translations", distinct=True),
            versions_last=Max("translations__updated_at"),
            claim_count=Count("claims", distinct=True),
            claims_last=Max("claims__updated_at"),
            anchor_count=Count("claims__anchors", distinct=True),
            evidence_count=Count("claims__evidence", distinct=True),
            evidence_latest=Max("claims__evidence__pk"),
        )
        .values(
            "pk",
            "updated_at",
            "version_count",
            "versions_last",
            "claim_count",
            "claims_last",
            "anchor_count",
            "evidence_count",
            "evidence_latest",
        )
        .first()
    )
    if stamp is None:
        raise NotFound(_("There is no published article %(slug)s.") % {"slug": slug})
    freshness = Freshness.of(
        *stamp.values(),
        modified=[stamp["updated_at"], stamp["versions_last"], stamp["claims_last"]],
    )
    if (not_modified := freshness.not_modified(request)) is not None:
        return not_modified
    freshness.apply(request, response)

    article = Article.objects.prefetch_related(_bylines(), "topics").get(pk=stamp["pk"])
    versions = list(_published_versions().filter(article=article).with_outdated())
    by_id = {version.pk: version for version in versions}
    claims = list(
        Claim.objects.filter(article=article)
        .filter(Exists(ClaimAnchor.objects.filter(claim=OuterRef("pk"), translation__in=by_id)))
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
    )

    states: dict[tuple[int, int], str] = {}
    versions_out = []
    links = Links(request)
    for version in versions:
        marks = [
            ClaimMark(claim.number, anchor.selector, claim.statement)
            for claim in claims
            for anchor in claim.anchors.all()
            if anchor.translation_id == version.pk
        ]
        revision = version.live_revision
        # The note links' labels are in the version's language, as on its page.
        with override(version.language):
            rendered = render_body(revision.body, marks)
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
                "first_published_at": version.first_published_at,
                "body": revision.body,
                "html": str(rendered.html),
                "url": links.absolute(version.get_absolute_url()),
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
        "authors": _authors(article),
        "topics": [domain.slug for domain in article.topics.all()],
        "versions": versions_out,
        "claims": [
            {
                "number": claim.number,
                "statement": claim.statement,
                "kind": claim.kind,
                "verdict": claim.verdict,
                "note": claim.note,
                "anchors": [
                    {
                        "language": by_id[anchor.translation_id].language,
                        "quote": anchor.quote,
                        "prefix": anchor.prefix,
                        "suffix": anchor.suffix,
                        "state": states[(anchor.translation_id, claim.number)],
                    }
                    for anchor in claim.anchors.all()
                ],
                "evidence": [
                    {
                        "relation": evidence.relation,
                        "note": evidence.note,
                        "target": _target(evidence, links),
                    }
                    for evidence in claim.evidence.all()
                ],
            }
            for claim in claims
        ],
        "api_url": links.api("article", slug=article.slug),
    }


def _corrections():
    # A correction is a revision with a note that reached readers; those of
    # versions readers can no longer see are left out with them.
    return Revision.objects.filter(
        corrected_at__isnull=False, translation__live_revision__isnull=False
    ).exclude(correction_note="")


@corrections.get(
    "/",
    response=schemas.responses(schemas.CorrectionPage),
    url_name="corrections",
    summary="List published corrections",
    openapi_extra=schemas.OPENAPI_EXTRA,
)
def list_corrections(request: HttpRequest, response: HttpResponse, query: Query[schemas.PageQuery]):
    """Corrections to published versions, latest first: what changed and when readers were told."""
    stamp = _corrections().aggregate(
        count=Count("pk"),
        last=Max("corrected_at"),
        versions_last=Max("translation__updated_at"),
    )
    freshness = Freshness.of(*stamp.values(), modified=[stamp["last"], stamp["versions_last"]])
    if (not_modified := freshness.not_modified(request)) is not None:
        return not_modified
    freshness.apply(request, response)
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
    page = paginate(request, rows, count=stamp["count"], page=query.page, page_size=query.page_size)
    links = Links(request)
    return page.envelope(
        [
            {
                "article": revision.translation.article.slug,
                "language": revision.translation.language,
                "revision": revision.number,
                "note": revision.correction_note,
                "published_at": revision.corrected_at,
                "url": links.absolute(revision.translation.get_absolute_url()),
                "article_api_url": links.api("article", slug=revision.translation.article.slug),
            }
            for revision in page.rows
        ]
    )
