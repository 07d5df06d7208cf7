"""Reads of articles, translations and claims, each owning its joins and prefetches."""

from __future__ import annotations

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles that readers can see in at least one language."""
        from articles.models import Translation

        return self.filter(Exists(Translation.objects.published().filter(article=OuterRef("pk"))))

    def published_in(self, language: str):
        """Articles that readers can see in `language`."""
        from articles.models import Translation

        return self.filter(
            Exists(
                Translation.objects.published().filter(article=OuterRef("pk"), language=language)
            )
        )

    def with_authors(self):
        """Prefetch `authors` in byline order."""
        from articles.models import Author

        return self.prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("bylines__position"))
        )

    def citing(self, target):
        """Articles with a claim whose evidence points at `target`.

        `target` is an Organization (its own events and the instruments behind
        them count too), a MembershipEvent or an Instrument.
        """
        from articles.models import Evidence
        from organizations.models import Instrument, MembershipEvent, Organization

        evidence = Evidence.objects.filter(claim__article=OuterRef("pk"))
        if isinstance(target, Organization):
            evidence = evidence.filter(Q(organization=target) | Q(event__organization=target))
        elif isinstance(target, MembershipEvent):
            evidence = evidence.filter(event=target)
        elif isinstance(target, Instrument):
            evidence = evidence.filter(Q(instrument=target) | Q(event__instrument=target))
        else:
            raise TypeError(f"Articles cannot cite a {type(target).__name__}.")
        return self.filter(Exists(evidence))


class TranslationQuerySet(models.QuerySet):
    def published(self):
        """Translations readers can see: those with a live revision.

        `status` describes the latest revision, so a live translation whose
        newer draft is being edited or reviewed is still published for readers;
        unpublishing clears the live revision.
        """
        return self.filter(live_revision__isnull=False)

    def for_reader(self, language: str):
        """Published translations in `language` with the live text, article and authors."""
        from articles.models import Author

        return (
            self.published()
            .filter(language=language)
            .select_related("article", "live_revision")
            .prefetch_related(
                Prefetch("article__authors", queryset=Author.objects.order_by("bylines__position")),
                "article__topics",
            )
        )

    def originals(self):
        """The language versions articles were written in."""
        return self.filter(is_original=True)

    def in_review(self):
        """Translations waiting for a moderator, oldest submission first."""
        return (
            self.filter(status=self.model.Status.IN_REVIEW)
            .select_related("article", "latest_revision__created_by", "submitted_by")
            .order_by("submitted_at", "pk")
        )

    def for_editing(self):
        """Translations with what editors' lists show: article, both revisions, submitter."""
        return self.select_related(
            "article", "latest_revision__created_by", "live_revision", "submitted_by"
        )

    def with_outdated(self):
        """Annotate `is_outdated`: the text was translated from an older original.

        The translation's live revision (else its latest) names the original's
        revision it was translated from; it is outdated when that is older than
        the original's live revision. Originals are never outdated. Agrees with
        `articles.models.translation_is_outdated`.
        """
        original_live_number = self.model.objects.filter(
            article=OuterRef("article"), is_original=True
        ).values("live_revision__number")[:1]
        return self.alias(
            _source_number=Case(
                When(
                    live_revision__isnull=False,
                    then=F("live_revision__source_revision__number"),
                ),
                default=F("latest_revision__source_revision__number"),
            ),
            _original_live_number=Subquery(original_live_number),
        ).annotate(
            is_outdated=Case(
                When(
                    is_original=False,
                    _source_number__lt=F("_original_live_number"),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def outdated(self):
        """Translations whose text was translated from an older original."""
        return self.with_outdated().filter(is_outdated=True)


class RevisionQuerySet(models.QuerySet):
    def history(self):
        """Revisions newest first with their authors, for a translation's history."""
        return self.select_related("created_by", "source_revision").order_by("-number")


class ClaimQuerySet(models.QuerySet):
    def for_rendering(self, translation=None):
        """Claims in order, with anchors and evidence whose targets are loaded.

        With `translation`, `claim.anchors.all()` holds only the anchors in
        that language version. A page that renders an article's claims makes a
        fixed number of queries however many claims, anchors and evidence
        records there are.
        """
        from articles.models import ClaimAnchor, Evidence

        anchors = ClaimAnchor.objects.select_related("translation")
        if translation is not None:
            anchors = anchors.filter(translation=translation)
        return self.order_by("number").prefetch_related(
            Prefetch("anchors", queryset=anchors),
            Prefetch("evidence", queryset=Evidence.objects.with_targets()),
        )

    def without_evidence(self):
        """Claims that no registry record supports, contradicts or contextualises yet."""
        from articles.models import Evidence

        return self.exclude(Exists(Evidence.objects.filter(claim=OuterRef("pk"))))


class ClaimAnchorQuerySet(models.QuerySet):
    pass


class EvidenceQuerySet(models.QuerySet):
    def with_targets(self):
        """Evidence with its registry record and what that record's link needs."""
        return self.select_related(
            "organization",
            "event__organization",
            "event__instrument",
            "instrument",
        ).order_by("pk")


class ReviewLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        from articles.models import ImmutableRecordError

        raise ImmutableRecordError("The review log is append-only; its rows cannot be updated.")

    def delete(self):
        from articles.models import ImmutableRecordError

        raise ImmutableRecordError("The review log is append-only; its rows cannot be deleted.")

    def with_actors(self):
        """Log rows with who acted and on which revision."""
        return self.select_related("actor", "revision")
