"""Factories for every model, in one place."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import claimsets, workflow
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Claim,
    ClaimAnchor,
    ClaimSet,
    Evidence,
    Revision,
    Translation,
)
from articles.search_index import search_index_update
from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.LazyAttribute(lambda domain: domain.slug.replace("-", " ").title())


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"International Organization {n}")
    slug = factory.Sequence(lambda n: f"international-organization-{n}")
    acronym = factory.Sequence(lambda n: f"IO{n}")
    kind = Organization.Kind.NON_UN_IGO
    un_related = False


class OrganizationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationName

    organization = factory.SubFactory(OrganizationFactory)
    language = "zh-hans"
    name = factory.Sequence(lambda n: f"国际组织{n}")
    is_preferred = True


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    slug = factory.Sequence(lambda n: f"eo-{15000 + n}")
    kind = Instrument.Kind.EXECUTIVE_ORDER
    number = factory.Sequence(lambda n: str(15000 + n))
    title = factory.Sequence(lambda n: f"Executive Order {15000 + n}")
    signed_on = datetime.date(2025, 2, 4)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "Example Gazette"
    kind = Source.Kind.SECONDARY


class MembershipEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipEvent
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"event-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    country = "US"
    kind = MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
    announced_on = datetime.date(2025, 2, 4)
    effective_on = None


# Articles. Revisions go through `workflow.revision_create` so that numbering
# and the latest revision stay right.


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    affiliation = "Concordance policy desk"


class ArticleFactory(factory.django.DjangoModelFactory):
    """An article written in Chinese; pass `authors=[...]` for its byline, in order."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    original_language = "zh-hans"
    source_publication = "Concordance"

    @factory.post_generation
    def authors(article, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for position, author in enumerate(extracted):
            ArticleAuthor.objects.create(article=article, author=author, position=position)


class TranslationFactory(factory.django.DjangoModelFactory):
    """A language version; the original by default, with a first revision.

    `revision=False` leaves it without text; `revision__body="…"` (title,
    standfirst, created_by…) sets the first revision. `published=True` makes
    that revision live directly, a shortcut for tests that are not about the
    review workflow.
    """

    class Meta:
        model = Translation
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    is_original = True
    language = factory.LazyAttribute(
        lambda translation: (
            translation.article.original_language if translation.is_original else "en"
        )
    )

    @factory.post_generation
    def revision(translation, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        RevisionFactory(translation=translation, **kwargs)

    @factory.post_generation
    def published(translation, create, extracted, **kwargs):
        if not create or not extracted:
            return
        translation.status = Translation.Status.PUBLISHED
        translation.live_revision_id = translation.latest_revision_id
        translation.first_published_at = translation.first_published_at or timezone.now()
        Translation.objects.filter(pk=translation.pk).update(
            status=translation.status,
            live_revision_id=translation.live_revision_id,
            first_published_at=translation.first_published_at,
        )
        # What `workflow.approve` does too: readers' search sees the live text.
        search_index_update(translation=translation)


class RevisionFactory(factory.django.DjangoModelFactory):
    """A new latest revision of `translation`, written by `created_by` (default: an import)."""

    class Meta:
        model = Revision

    translation = factory.SubFactory(TranslationFactory, revision=False)
    title = factory.Sequence(lambda n: f"Headline {n}")
    standfirst = "What the article argues, in a sentence."
    body = "The United States left 66 international organizations in January 2026."
    created_by = None
    based_on = None
    source_revision = None

    @classmethod
    def _create(cls, model_class, *, created_by, **kwargs):
        return workflow.revision_create(by=created_by, **kwargs)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    number = factory.Sequence(lambda n: n + 1)
    statement = "The United States left 66 international organizations."
    kind = Claim.Kind.FACT


def _original_of(article):
    return Translation.objects.filter(
        article=article, is_original=True
    ).first() or TranslationFactory(article=article)


class ClaimAnchorFactory(factory.django.DjangoModelFactory):
    """An anchor in `translation`, by default the original of the claim's article."""

    class Meta:
        model = ClaimAnchor

    claim = factory.SubFactory(ClaimFactory)
    translation = factory.LazyAttribute(lambda anchor: _original_of(anchor.claim.article))
    quote = "66 international organizations"


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence pointing at an organization; pass `event=` or `instrument=` with
    `organization=None` for the other targets."""

    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    organization = factory.SubFactory(OrganizationFactory)
    relation = Evidence.Relation.SUPPORTS


def publish_claims(article, *, by=None) -> ClaimSet:
    """Make the article's working claims what readers of its published versions see.

    What `workflow.approve` does with the claims, for tests that publish with
    `TranslationFactory(published=True)` and add claims afterwards.
    """
    claim_set = claimsets.claim_set_freeze(article=article, by=by)
    Translation.objects.filter(article=article, live_revision__isnull=False).update(
        live_claim_set=claim_set
    )
    return claim_set


def as_seen(translation, action: str) -> dict[str, str]:
    """The hidden fields of a review page's `action` form: the revision and claims on screen."""
    translation.refresh_from_db()
    return {
        f"{action}-revision": str(translation.latest_revision_id),
        f"{action}-claims": claimsets.working_digest(translation.article_id),
    }


def article_ready_for_review(*, languages=("en",), claims=2, written_by=None):
    """An article whose original and translations anchor every claim, each with evidence.

    Returns `(original, translations)`, each translation with one draft
    revision by `written_by` (default: an import), ready to be submitted.
    """
    article = ArticleFactory()

    def body(language):
        return "\n\n".join(
            f"In {language}, statement number {number} holds." for number in range(1, claims + 1)
        )

    original = TranslationFactory(
        article=article,
        revision__body=body(article.original_language),
        revision__created_by=written_by,
    )
    translations = [
        TranslationFactory(
            article=article,
            is_original=False,
            language=language,
            revision__body=body(language),
            revision__created_by=written_by,
        )
        for language in languages
    ]
    for number in range(1, claims + 1):
        claim = ClaimFactory(article=article, number=number)
        EvidenceFactory(claim=claim)
        for translation in (original, *translations):
            ClaimAnchorFactory(
                claim=claim, translation=translation, quote=f"statement number {number} holds"
            )
    return original, translations
