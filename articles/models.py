"""Articles, their language versions and revisions, claims and their evidence.

`Translation.status` is the state of the latest revision and changes only in
`articles.workflow`; `live_revision` is what readers see. Whether a
translation is outdated is derived, never stored: see `translation_is_outdated`
and `TranslationQuerySet.with_outdated`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
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
from organizations.models import MembershipEvent
from organizations.status import Status as MembershipStatus

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
        EVIDENCE_REVIEWED = "evidence_reviewed", _("Evidence change acknowledged")

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


class SearchDocument(models.Model):
    """What reader search knows of a published translation: its live text, indexed.

    Written only by `articles.search.search_index_update` (when a translation
    is approved or unpublished) and `search_index_rebuild`; a translation that
    readers cannot see has no document. It is kept apart from `Translation`
    so that the many pages that load translations do not also load a second
    copy of every text. On PostgreSQL, migrations add a GIN index on `vector`
    and a trigram GIN index on `folded_text`.
    """

    translation = models.OneToOneField(
        Translation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("translation"),
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("revision"),
        help_text=_("The live revision whose text this is."),
    )
    text = models.TextField(_("text"), help_text=_("Title, standfirst and the body as plain text."))
    # Queries are casefolded in Python too, so substring matching ignores case
    # with a plain LIKE instead of running UPPER() over every text.
    folded_text = models.TextField(
        _("casefolded text"), help_text=_("The text casefolded, for matching.")
    )
    body_start = models.PositiveIntegerField(
        _("body start"), default=0, help_text=_("Where the body begins in the text.")
    )
    # Full-text vector (title A, standfirst B, body C); PostgreSQL only.
    vector = SearchVectorField(_("search vector"), null=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.translation)


# Living evidence: figure checks, evidence changes and corrections -----------
#
# A figure claim can carry a `FigureCheck` that measures its number live in
# the registry (`articles.figures`). When a registry record cited by a
# published claim changes, `articles.evidence_watch` flags every published
# version of the article with an `EvidenceChange` until a moderator
# acknowledges it or approves a correction (`articles.workflow`).


# Every parameter a measure can read, as FigureCheck fields.
FIGURE_PARAMETERS = (
    "instrument",
    "event_kind",
    "un_related",
    "date_from",
    "date_to",
    "organization",
    "domain",
    "status",
    "on_date",
)
_FIGURE_FOREIGN_KEYS = frozenset({"instrument", "organization", "domain"})
_FIGURE_TEXT_PARAMETERS = frozenset({"event_kind", "status"})

# Per measure: (the parameters it needs, the ones it may also use).
FIGURE_MEASURE_PARAMETERS = {
    "organizations_with_event_under_instrument": (("instrument", "event_kind"), ("un_related",)),
    "events_in_range": (("event_kind", "date_from", "date_to"), ("instrument", "un_related")),
    "days_announcement_to_effect": (("organization",), ("event_kind", "instrument")),
    "organizations_in_domain_with_status": (("domain", "status", "on_date"), ("un_related",)),
}

# Short names for the database constraints (PostgreSQL cuts names at 63 bytes).
_FIGURE_CONSTRAINT_NAMES = {
    "organizations_with_event_under_instrument": "under_instrument",
    "events_in_range": "events_in_range",
    "days_announcement_to_effect": "days_to_effect",
    "organizations_in_domain_with_status": "status_in_domain",
}


def _attname(parameter: str) -> str:
    return f"{parameter}_id" if parameter in _FIGURE_FOREIGN_KEYS else parameter


def _parameters_present(parameters: tuple[str, ...]) -> Q:
    condition = Q()
    for name in parameters:
        if name in _FIGURE_TEXT_PARAMETERS:
            condition &= ~Q(**{name: ""})
        else:
            condition &= Q(**{f"{name}__isnull": False})
    return condition


class FigureCheckQuerySet(models.QuerySet):
    def published(self):
        """Checks of claims whose article readers can see in at least one language."""
        return self.filter(
            models.Exists(
                Translation.objects.published().filter(article=models.OuterRef("claim__article"))
            )
        )

    def for_checking(self):
        """Checks with their claim and article, in article and claim order."""
        return self.select_related("claim__article").order_by(
            "claim__article__slug", "claim__number"
        )


class FigureCheck(models.Model):
    """A figure claim's number, and how to measure it in the registry today.

    Each measure reads its own typed parameters; `FIGURE_MEASURE_PARAMETERS` says
    which it needs and which it may use, and the database refuses a check
    whose required parameters are missing.
    """

    class Measure(models.TextChoices):
        ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT = (
            "organizations_with_event_under_instrument",
            _("Organizations with an event under an instrument"),
        )
        EVENTS_IN_RANGE = "events_in_range", _("Events announced in a date range")
        DAYS_ANNOUNCEMENT_TO_EFFECT = (
            "days_announcement_to_effect",
            _("Days from announcement to effect"),
        )
        ORGANIZATIONS_IN_DOMAIN_WITH_STATUS = (
            "organizations_in_domain_with_status",
            _("Organizations in a domain with a US status on a date"),
        )

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, related_name="figure_check", verbose_name=_("claim")
    )
    stated_value = models.DecimalField(
        _("stated value"),
        max_digits=14,
        decimal_places=2,
        help_text=_("The number the article states, such as 66."),
    )
    measure = models.CharField(_("measure"), max_length=50, choices=Measure.choices)
    instrument = models.ForeignKey(
        "organizations.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instrument"),
    )
    event_kind = models.CharField(
        _("event kind"), max_length=32, choices=MembershipEvent.Kind.choices, blank=True
    )
    un_related = models.BooleanField(
        _("UN-related"),
        null=True,
        blank=True,
        help_text=_("Only UN-related organizations (yes), only others (no), or all (unknown)."),
    )
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    domain = models.ForeignKey(
        "organizations.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domain"),
    )
    status = models.CharField(
        _("US status"), max_length=20, choices=MembershipStatus.choices, blank=True
    )
    on_date = models.DateField(_("on"), null=True, blank=True)

    objects = FigureCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure check")
        verbose_name_plural = _("figure checks")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=~Q(measure=measure) | _parameters_present(required),
                    name=f"figure_check_{_FIGURE_CONSTRAINT_NAMES[measure]}_parameters",
                )
                for measure, (required, _optional) in FIGURE_MEASURE_PARAMETERS.items()
            ),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=models.F("date_from")),
                name="figure_check_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return _("Figure check of claim %(number)s") % {"number": self.claim.number}

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        claim = getattr(self, "claim", None) if self.claim_id is None else self.claim
        if claim is not None and claim.kind != Claim.Kind.FIGURE:
            errors["__all__"] = _("Only a claim of kind “figure” can have a figure check.")
        parameters = FIGURE_MEASURE_PARAMETERS.get(self.measure)
        if parameters is not None:
            required, optional = parameters
            for name in FIGURE_PARAMETERS:
                value = getattr(self, _attname(name))
                label = self._meta.get_field(name).verbose_name
                if name in required and value in (None, ""):
                    errors[name] = _("The measure “%(measure)s” needs %(parameter)s.") % {
                        "measure": self.get_measure_display(),
                        "parameter": label,
                    }
                elif name not in required and name not in optional and value not in (None, ""):
                    errors[name] = _("The measure “%(measure)s” does not use %(parameter)s.") % {
                        "measure": self.get_measure_display(),
                        "parameter": label,
                    }
        if self.date_from and self.date_to and self.date_to < self.date_from:
            errors["date_to"] = _("The range must end on or after its first day.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def registry_value(self) -> int | None:
        """What the registry says today (one query); `figures.attach_registry_values`
        sets it for many checks at once."""
        from articles.evidence.figures import compute

        return compute(self)

    @property
    def holds(self) -> bool:
        """Whether the registry today gives the number the article states."""
        return self.registry_value is not None and self.registry_value == self.stated_value


class EvidenceChangeQuerySet(models.QuerySet):
    def open(self):
        """Flags no moderator has acknowledged and no correction has resolved."""
        return self.filter(resolved_at__isnull=True)

    def on_published(self):
        """Open flags of translations readers can see, with what the review desk shows."""
        return (
            self.open()
            .filter(translation__live_revision__isnull=False)
            .select_related("translation__article", "translation__live_revision")
            .defer("translation__live_revision__body")
            .order_by("translation__article__slug", "translation__language", "detected_at", "pk")
        )


class EvidenceChange(models.Model):
    """A flag on a published translation: a registry record its claims cite has changed.

    Written only by `articles.evidence_watch`; resolved by
    `workflow.evidence_change_acknowledge` or by approving a correction.
    `changes` maps each changed field to {"before": …, "after": …}.
    """

    class RecordType(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        EVENT = "event", _("Membership event")
        INSTRUMENT = "instrument", _("Instrument")
        FIGURE = "figure", _("Figure check")

    class Resolution(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CORRECTED = "corrected", _("Corrected")

    translation = models.ForeignKey(
        Translation,
        on_delete=models.CASCADE,
        related_name="evidence_changes",
        verbose_name=_("translation"),
    )
    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType.choices)
    record_id = models.PositiveBigIntegerField(_("record id"))
    record_label = models.CharField(_("record"), max_length=500)
    changes = models.JSONField(_("changes"), default=dict)
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )

    objects = EvidenceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["detected_at", "pk"]
        verbose_name = _("evidence change")
        verbose_name_plural = _("evidence changes")
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "record_type", "record_id"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_evidence_change_per_record",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True, resolution="")
                | Q(resolved_at__isnull=False, resolved_by__isnull=False) & ~Q(resolution=""),
                name="evidence_change_resolved_completely",
            ),
        ]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.translation}: {self.record_label}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def field_changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for display, field names and values in the reader's words."""
        from articles.evidence.watch import describe_changes

        return describe_changes(self)
