"""Claims, where they stand in each language version, and the registry records behind them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from articles.text.anchors import Quote


class ClaimQuerySet(models.QuerySet):
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
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("article"),
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
