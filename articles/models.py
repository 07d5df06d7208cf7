"""Articles, their language versions and revisions, claims and their evidence.

`Translation.status` is the state of the latest revision and changes only in
`articles.workflow`; `live_revision` is what readers see. Whether a
translation is outdated is derived, never stored: see `translation_is_outdated`
and `TranslationQuerySet.with_outdated`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from articles.querysets import (
    ArticleQuerySet,
    ClaimAnchorQuerySet,
    ClaimQuerySet,
    EvidenceQuerySet,
    ReviewLogQuerySet,
    RevisionQuerySet,
    TranslationQuerySet,
)

LANGUAGE_CHOICES = settings.LANGUAGES


class ImmutableRecordError(Exception):
    """Raised when code tries to change a revision or a review log row once written."""


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
    latest_revision = models.ForeignKey(
        "Revision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("latest revision"),
    )
    live_revision = models.ForeignKey(
        "Revision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("live revision"),
        help_text=_("The revision readers see."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("submitted by"),
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    source_revision = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="translations_made",
        verbose_name=_("translated from"),
        help_text=_("The original's revision this text was translated from."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
        help_text=_("The revision the editor started from."),
    )

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
        indexes = [models.Index(fields=["created_at"])]

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


class Claim(models.Model):
    """A checkable statement an article makes, in one sentence."""

    class Kind(models.TextChoices):
        FACT = "fact", _("Fact")
        FIGURE = "figure", _("Figure")
        QUOTATION = "quotation", _("Quotation")
        CHARACTERIZATION = "characterization", _("Characterization")

    class Verdict(models.TextChoices):
        UNVERIFIED = "unverified", _("Unverified")
        SUPPORTED = "supported", _("Supported")
        PARTLY_SUPPORTED = "partly_supported", _("Partly supported")
        CONTRADICTED = "contradicted", _("Contradicted")
        NOT_IN_REGISTRY = "not_in_registry", _("Not in registry")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims", verbose_name=_("article")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Its position in the article.")
    )
    statement = models.TextField(_("statement"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FACT)
    verdict = models.CharField(
        _("verdict"), max_length=20, choices=Verdict.choices, default=Verdict.UNVERIFIED
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "number"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_claim_number"),
        ]
        indexes = [models.Index(fields=["verdict"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.statement}"


class ClaimAnchor(models.Model):
    """Where a claim stands in one language version: the exact words, disambiguated.

    Like a W3C Web Annotation TextQuoteSelector: `quote` must appear in the
    text; `prefix` and `suffix` pick one occurrence when it appears several times.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="anchors", verbose_name=_("claim")
    )
    translation = models.ForeignKey(
        Translation,
        on_delete=models.CASCADE,
        related_name="anchors",
        verbose_name=_("translation"),
    )
    quote = models.TextField(_("quote"))
    prefix = models.CharField(_("prefix"), max_length=200, blank=True)
    suffix = models.CharField(_("suffix"), max_length=200, blank=True)

    objects = ClaimAnchorQuerySet.as_manager()

    class Meta:
        ordering = ["claim_id", "translation_id"]
        verbose_name = _("claim anchor")
        verbose_name_plural = _("claim anchors")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "translation"], name="one_anchor_per_claim_and_translation"
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="anchor_quote_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.claim.number} [{self.translation.language}]: {self.quote}"

    def clean(self) -> None:
        super().clean()
        if (
            self.claim_id
            and self.translation_id
            and self.translation.article_id != self.claim.article_id
        ):
            raise ValidationError(
                {"translation": _("The anchor must be in a version of the claim's own article.")}
            )


class Evidence(models.Model):
    """A claim's link to exactly one registry record."""

    class Relation(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONTRADICTS = "contradicts", _("Contradicts")
        CONTEXT = "context", _("Context")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("claim")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("organization"),
    )
    event = models.ForeignKey(
        "organizations.MembershipEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("membership event"),
    )
    instrument = models.ForeignKey(
        "organizations.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("instrument"),
    )
    relation = models.CharField(
        _("relation"), max_length=12, choices=Relation.choices, default=Relation.SUPPORTS
    )
    note = models.TextField(_("note"), blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["claim_id", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organization__isnull=False, event__isnull=True, instrument__isnull=True)
                    | Q(organization__isnull=True, event__isnull=False, instrument__isnull=True)
                    | Q(organization__isnull=True, event__isnull=True, instrument__isnull=False)
                ),
                name="evidence_has_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.target}"

    def clean(self) -> None:
        super().clean()
        targets = [self.organization_id, self.event_id, self.instrument_id]
        if sum(target is not None for target in targets) != 1:
            raise ValidationError(
                _("Choose exactly one registry record: an organization, an event or an instrument.")
            )

    @property
    def target(self):
        """The registry record this evidence points at."""
        return self.organization or self.event or self.instrument

    def get_target_url(self) -> str:
        """The public page of the registry record."""
        target = self.target
        return target.get_absolute_url() if target is not None else ""


class ReviewLog(models.Model):
    """An append-only record of one workflow transition."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for review")
        WITHDRAW = "withdraw", _("Withdrawn from review")
        REQUEST_CHANGES = "request_changes", _("Changes requested")
        APPROVE = "approve", _("Approved")
        UNPUBLISH = "unpublish", _("Unpublished")
        EDIT = "edit", _("Edited")

    translation = models.ForeignKey(
        Translation,
        on_delete=models.PROTECT,
        related_name="review_log",
        verbose_name=_("translation"),
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, related_name="+", verbose_name=_("revision")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Translation.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Translation.Status.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)

    objects = ReviewLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("review log entry")
        verbose_name_plural = _("review log")
        indexes = [
            models.Index(fields=["translation", "-created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self) -> str:
        return f"{self.translation}: {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        # An audit trail that can be rewritten is not an audit trail.
        if not self._state.adding:
            raise ImmutableRecordError("The review log is append-only; rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("The review log is append-only; rows cannot be deleted.")
