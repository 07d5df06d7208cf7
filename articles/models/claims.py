"""Claims, where they stand in each language version, and the registry records behind them.

An article's claims exist as its *working copy*, which editors change
(`claim_set` is empty), and as *claim sets*: immutable copies of the working
copy, made when a moderator approves a language version
(`articles.claimsets.claim_set_freeze`). Readers of a version see the claim
set its approval published (`Translation.live_claim_set`), never the working
copy, so a claim, its anchors, its evidence, its figure check and the
article's bylines reach readers only through an approval of exactly them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from articles.models.fields import optional_link
from articles.models.immutable import ImmutableRecordError
from articles.text.anchors import Quote


class ClaimQuerySet(models.QuerySet):
    def working(self):
        """The working copy: the claims editors change, in no claim set yet."""
        return self.filter(claim_set__isnull=True)

    def for_rendering(self, translation=None):
        """Claims in order, with anchors and evidence whose targets are loaded.

        With `translation`, `claim.anchors.all()` holds only the anchors in
        that language version. A page that renders an article's claims makes a
        fixed number of queries however many claims, anchors and evidence
        records there are.
        """

        anchors = ClaimAnchor.objects.select_related("translation")
        if translation is not None:
            anchors = anchors.filter(translation=translation)
        return self.order_by("number").prefetch_related(
            Prefetch("anchors", queryset=anchors),
            Prefetch("evidence", queryset=Evidence.objects.with_targets()),
        )

    def without_evidence(self):
        """Claims that no registry record supports, contradicts or contextualises yet."""

        return self.exclude(Exists(Evidence.objects.filter(claim=OuterRef("pk"))))


class EvidenceQuerySet(models.QuerySet):
    def with_targets(self):
        """Evidence with its registry record and what that record's link needs."""
        return self.select_related(
            "organization",
            "event__organization",
            "event__instrument",
            "instrument",
        ).order_by("pk")


@dataclass(frozen=True)
class Byline:
    """An author as a byline shows them."""

    slug: str
    name: str
    affiliation: str = ""

    def as_data(self) -> dict[str, str]:
        return {"slug": self.slug, "name": self.name, "affiliation": self.affiliation}


class ClaimSet(models.Model):
    """An approved version of an article's claims, evidence, figure checks and bylines.

    Made once, by the approval that first publishes this content
    (`articles.claimsets.claim_set_freeze`), and never changed: its claims
    are copies of the working copy as the moderator saw it, and `bylines`
    holds the authors' names and affiliations as they were. `digest` names
    the content, so approving the same content again reuses the set.
    """

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="claim_sets",
        verbose_name=_("article"),
    )
    number = models.PositiveIntegerField(_("number"))
    digest = models.CharField(_("digest"), max_length=64)
    bylines = models.JSONField(
        _("bylines"), default=list, help_text=_("Each author's slug, name and affiliation.")
    )
    created_by = optional_link(settings.AUTH_USER_MODEL, _("approved by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["article_id", "-number"]
        get_latest_by = "number"
        verbose_name = _("claim set")
        verbose_name_plural = _("claim sets")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_claim_set_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="claim_set_number_positive"),
        ]

    def __str__(self) -> str:
        return _("%(article)s, claims version %(number)s") % {
            "article": self.article_id,
            "number": self.number,
        }

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("Claim sets are immutable: approve a new one instead.")
        super().save(*args, **kwargs)

    @property
    def authors(self) -> list[Byline]:
        """The bylines this set published, in order."""
        return [Byline(**byline) for byline in self.bylines]


class FrozenInASet(models.Model):
    """A row of a claim set once written can neither change nor go; working rows can."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and self.in_claim_set():
            raise ImmutableRecordError(
                "Claim sets are immutable: change the working copy and approve it."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.in_claim_set():
            raise ImmutableRecordError("Claim sets are immutable; their rows cannot be deleted.")
        return super().delete(*args, **kwargs)

    def in_claim_set(self) -> bool:
        raise NotImplementedError


class Claim(FrozenInASet):
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
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("article"),
    )
    claim_set = optional_link(
        ClaimSet,
        _("claim set"),
        on_delete=models.CASCADE,
        editable=False,
        related_name="claims",
        help_text=_("Empty for the working copy editors change."),
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
            models.UniqueConstraint(
                fields=["article", "number"],
                condition=Q(claim_set__isnull=True),
                name="unique_working_claim_number",
            ),
            models.UniqueConstraint(
                fields=["claim_set", "number"], name="unique_claim_number_in_set"
            ),
        ]
        indexes = [models.Index(fields=["verdict"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.statement}"

    def in_claim_set(self) -> bool:
        return self.claim_set_id is not None


class ClaimAnchor(FrozenInASet):
    """Where a claim stands in one language version: the exact words, disambiguated.

    Like a W3C Web Annotation TextQuoteSelector: `quote` must appear in the
    text; `prefix` and `suffix` pick one occurrence when it appears several times.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="anchors", verbose_name=_("claim")
    )
    translation = models.ForeignKey(
        "articles.Translation",
        on_delete=models.CASCADE,
        related_name="anchors",
        verbose_name=_("translation"),
    )
    quote = models.TextField(_("quote"))
    prefix = models.CharField(_("prefix"), max_length=200, blank=True)
    suffix = models.CharField(_("suffix"), max_length=200, blank=True)

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

    def in_claim_set(self) -> bool:
        return self.claim.claim_set_id is not None

    @property
    def selector(self) -> Quote:
        """The quote, prefix and suffix as the anchor resolver reads them."""
        return Quote(self.quote, self.prefix, self.suffix)

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


class Evidence(FrozenInASet):
    """A claim's link to exactly one registry record."""

    class Relation(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONTRADICTS = "contradicts", _("Contradicts")
        CONTEXT = "context", _("Context")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("claim")
    )
    organization = optional_link(
        "organizations.Organization", _("organization"), related_name="evidence"
    )
    event = optional_link(
        "organizations.MembershipEvent", _("membership event"), related_name="evidence"
    )
    instrument = optional_link("organizations.Instrument", _("instrument"), related_name="evidence")
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

    def in_claim_set(self) -> bool:
        return self.claim.claim_set_id is not None

    @property
    def protection_reason(self) -> str:
        """Why the registry record this evidence cites cannot be deleted (read by its admin)."""
        return _(
            "Cited as evidence by claim %(number)s of “%(article)s”: change that evidence "
            "before deleting the record."
        ) % {"number": self.claim.number, "article": self.claim.article.slug}

    def get_target_url(self) -> str:
        """The public page of the registry record."""
        target = self.target
        return target.get_absolute_url() if target is not None else ""
