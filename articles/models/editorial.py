"""Authors, articles, their language versions and immutable revisions.

`Translation.status` is the state of the latest revision and changes only in
`articles.workflow`; `live_revision` is what readers see. Whether a
translation is outdated is derived, never stored: see `translation_is_outdated`
and `TranslationQuerySet.with_outdated`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
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
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from articles.models.claims import ClaimSet, Evidence
from articles.models.fields import optional_link
from articles.models.immutable import ImmutableRecordError
from organizations.models import Instrument, MembershipEvent, Organization

LANGUAGE_CHOICES = settings.LANGUAGES


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles that readers can see in at least one language."""

        return self.filter(Exists(Translation.objects.published().filter(article=OuterRef("pk"))))

    def published_in(self, language: str):
        """Articles that readers can see in `language`."""

        return self.filter(
            Exists(
                Translation.objects.published().filter(article=OuterRef("pk"), language=language)
            )
        )

    def with_authors(self):
        """Prefetch `authors` in byline order."""

        return self.prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("bylines__position"))
        )

    def citing(self, target):
        """Articles with a claim whose evidence points at `target`.

        `target` is an Organization (its own events and the instruments behind
        them count too), a MembershipEvent or an Instrument.
        """
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


class Author(models.Model):
    """A person who writes commentary; an article lists its authors in byline order."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """A piece of commentary, whatever the languages it is published in."""

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    authors = models.ManyToManyField(
        Author,
        through="ArticleAuthor",
        verbose_name=_("authors"),
        blank=True,
        related_name="articles",
    )
    original_language = models.CharField(
        _("original language"), max_length=10, choices=LANGUAGE_CHOICES
    )
    source_publication = models.CharField(_("source publication"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    originally_published_on = models.DateField(_("originally published on"), null=True, blank=True)
    topics = models.ManyToManyField(
        "organizations.Domain", verbose_name=_("topics"), blank=True, related_name="articles"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["originally_published_on"]),
        ]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self, language: str | None = None) -> str:
        """The article's page in `language` (default: the active language)."""
        language = language or get_language() or settings.LANGUAGE_CODE
        with override(language):
            return reverse("articles:detail", kwargs={"slug": self.slug})


class ArticleAuthor(models.Model):
    """One author in an article's byline, at a position."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines", verbose_name=_("article")
    )
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author"),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.author}"


class Translation(models.Model):
    """One language version of an article, the original included."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="translations", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    is_original = models.BooleanField(
        _("original"), default=False, help_text=_("The version the article was written in.")
    )
    # The workflow owns these fields; forms never edit them.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        help_text=_("The state of the latest revision."),
    )
    latest_revision = optional_link(
        "Revision", _("latest revision"), on_delete=models.RESTRICT, editable=False
    )
    live_revision = optional_link(
        "Revision",
        _("live revision"),
        on_delete=models.RESTRICT,
        editable=False,
        help_text=_("The revision readers see."),
    )
    live_claim_set = optional_link(
        ClaimSet,
        _("live claims"),
        on_delete=models.RESTRICT,
        editable=False,
        help_text=_("The claims, evidence and bylines readers of this version see."),
    )
    submitted_by = optional_link(settings.AUTH_USER_MODEL, _("submitted by"), editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "-is_original", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        permissions = [
            ("review_translation", _("Can approve, request changes and unpublish translations")),
            ("submit_translation", _("Can submit translations for review")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="one_translation_per_language"
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(is_original=True),
                name="one_original_per_article",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(live_revision__isnull=False),
                name="published_translation_has_live_revision",
            ),
            models.CheckConstraint(
                condition=~Q(status="unpublished") | Q(live_revision__isnull=True),
                name="unpublished_translation_has_no_live_revision",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(latest_revision__isnull=False),
                name="reviewed_translation_has_a_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["language", "status"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["first_published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.article} [{self.language}]"

    def get_absolute_url(self) -> str:
        return self.article.get_absolute_url(self.language)

    def clean(self) -> None:
        super().clean()
        if self.is_original and self.article_id and self.language != self.article.original_language:
            raise ValidationError(
                {"language": _("The original must be in the article's original language.")}
            )

    @property
    def is_live(self) -> bool:
        """Whether readers can see this translation."""
        return self.live_revision_id is not None

    @property
    def live_bylines(self) -> list:
        """The bylines readers of this version see: those its live claims carry."""
        return self.live_claim_set.authors if self.live_claim_set_id else []

    @property
    def has_unpublished_changes(self) -> bool:
        """Whether the latest revision differs from the one readers see."""
        return self.latest_revision_id is not None and self.latest_revision_id != (
            self.live_revision_id
        )

    @property
    def is_outdated(self) -> bool:
        """Whether this translation was made from an older original than the live one.

        Uses the `with_outdated()` annotation when the row was loaded with it;
        otherwise computes it, which may query the revisions and the original.
        """
        if hasattr(self, "_is_outdated"):
            return self._is_outdated
        if self.is_original:
            return False
        revision = self.live_revision or self.latest_revision
        source = revision.source_revision if revision is not None else None
        original = self.article.translations.filter(is_original=True).select_related(
            "live_revision"
        )
        original = original.first()
        return translation_is_outdated(
            is_original=False,
            source_revision_number=source.number if source is not None else None,
            original_live_revision_number=(
                original.live_revision.number
                if original is not None and original.live_revision is not None
                else None
            ),
        )

    @is_outdated.setter
    def is_outdated(self, value: bool) -> None:
        # Set by the `with_outdated()` annotation.
        self._is_outdated = value


def translation_is_outdated(
    *,
    is_original: bool,
    source_revision_number: int | None,
    original_live_revision_number: int | None,
) -> bool:
    """Whether a translation made from source revision N lags the original's live revision.

    Originals are never outdated. A translation that does not record its source,
    or whose original has never been published, is not called outdated: there
    is nothing newer to say it lags behind.
    """
    if is_original or source_revision_number is None or original_live_revision_number is None:
        return False
    return source_revision_number < original_live_revision_number


class Revision(models.Model):
    """An immutable version of a translation's text.

    Created only by `articles.workflow.revision_create`, which numbers it and
    moves the translation's latest revision forward.
    """

    translation = models.ForeignKey(
        Translation,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("translation"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    standfirst = models.TextField(_("standfirst"), blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    created_by = optional_link(settings.AUTH_USER_MODEL, _("written by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    source_revision = optional_link(
        "self",
        _("translated from"),
        on_delete=models.RESTRICT,
        related_name="translations_made",
        help_text=_("The original's revision this text was translated from."),
    )
    based_on = optional_link(
        "self",
        _("based on"),
        on_delete=models.RESTRICT,
        help_text=_("The revision the editor started from."),
    )
    correction_note = models.CharField(
        _("correction note"),
        max_length=500,
        blank=True,
        help_text=_("What this revision corrects, for readers; blank for ordinary edits."),
    )
    # Set once, by `workflow.approve`, when a revision with a correction note
    # reaches readers: the one field written after a revision is created,
    # because it records when readers were told, not what the text says.
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "number"], name="unique_revision_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["corrected_at"])]

    def __str__(self) -> str:
        return _("%(translation)s, revision %(number)s") % {
            "translation": self.translation,
            "number": self.number,
        }

    def save(self, *args, **kwargs) -> None:
        # Readers, reviewers and the review log all point at revisions; a
        # changed text would make them point at something nobody approved.
        if not self._state.adding:
            raise ImmutableRecordError(
                "Revisions are immutable: create a new revision instead of saving this one."
            )
        super().save(*args, **kwargs)
