"""The registry: international organizations and membership events.

Membership status is never stored. It is derived from events by
`organizations.status`, in Python and as a QuerySet annotation.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organizations.querysets import (
    InstrumentQuerySet,
    MembershipEventQuerySet,
    OrganizationQuerySet,
    SourceQuerySet,
)

LANGUAGE_CHOICES = settings.LANGUAGES

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", _("A Wikidata id is the letter Q followed by digits, such as Q7817.")
)


class Domain(models.Model):
    """A field of policy an organization works in (climate, health, …)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """An international organization, convention, treaty body or forum."""

    class Kind(models.TextChoices):
        UN_PRINCIPAL_ORGAN = "un_principal_organ", _("UN principal organ")
        SPECIALIZED_AGENCY = "specialized_agency", _("Specialized agency")
        FUND_PROGRAMME = "fund_programme", _("Fund or programme")
        CONVENTION_BODY = "convention_body", _("Convention or treaty body")
        REGIONAL_COMMISSION = "regional_commission", _("Regional commission")
        RESEARCH_INSTITUTE = "research_institute", _("Research or training institute")
        OFFICE_MECHANISM = "office_mechanism", _("Office or mechanism")
        NON_UN_IGO = "non_un_igo", _("Non-UN intergovernmental organization")
        PARTNERSHIP_FORUM = "partnership_forum", _("Partnership or forum")
        TREATY = "treaty", _("Treaty")

    name = models.CharField(_("name"), max_length=255, help_text=_("Canonical English name."))
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    un_related = models.BooleanField(
        _("UN-related"),
        default=False,
        help_text=_("As the instrument that names it classifies it."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    domains = models.ManyToManyField(
        Domain, verbose_name=_("domains"), blank=True, related_name="organizations"
    )
    founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    headquarters = models.CharField(_("headquarters"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, validators=[wikidata_id_validator]
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(
        "Source", verbose_name=_("sources"), blank=True, related_name="organizations"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
                name="organization_wikidata_id_format",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organization_not_own_parent"
            ),
        ]
        indexes = [
            # The default order: the admin's list reads a page of it by index.
            models.Index(fields=["name"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["un_related"]),
            models.Index(fields=["acronym"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    def display_name(self, language: str | None = None) -> str:
        """The preferred name in `language` (default: the active one), else English.

        Uses prefetched `names` when present so that lists do not query per row.
        """
        language = language or get_language() or settings.LANGUAGE_CODE
        for name in self.names.all():
            if name.language == language and name.is_preferred:
                return name.name
        return self.name

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class OrganizationName(models.Model):
    """A name or alias of an organization in one language."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="names", verbose_name=_("organization")
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    is_preferred = models.BooleanField(_("preferred"), default=False)

    class Meta:
        ordering = ["organization", "language", "-is_preferred", "name"]
        verbose_name = _("name or alias")
        verbose_name_plural = _("names and aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "language", "name"], name="unique_organization_name"
            ),
            models.UniqueConstraint(
                fields=["organization", "language"],
                condition=Q(is_preferred=True),
                name="one_preferred_name_per_language",
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["acronym"])]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]"


class Instrument(models.Model):
    """The legal act behind membership events: an executive order, a memorandum…"""

    class Kind(models.TextChoices):
        EXECUTIVE_ORDER = "executive_order", _("Executive order")
        PRESIDENTIAL_MEMORANDUM = "presidential_memorandum", _("Presidential memorandum")
        STATUTE = "statute", _("Statute")
        BILL = "bill", _("Bill")
        NOTIFICATION = "notification", _("Notification")
        BUDGET_REQUEST = "budget_request", _("Budget request")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=500)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    citation = models.CharField(
        _("citation"), max_length=100, blank=True, help_text=_("For example 90 FR 9275.")
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["signed_on"])]

    def __str__(self) -> str:
        if self.kind == self.Kind.EXECUTIVE_ORDER and self.number:
            return _("Executive Order %(number)s") % {"number": self.number}
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("organizations:instrument", kwargs={"slug": self.slug})


class Source(models.Model):
    """A published document that attests a registry fact."""

    url = models.URLField(_("URL"), max_length=500, unique=True)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    archive_url = models.URLField(_("archive URL"), max_length=500, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        # Sources often share a title (one statement reported by several
        # outlets): the id keeps their order the same in every database.
        ordering = ["title", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class MembershipEvent(models.Model):
    """A dated change in a country's relation to an organization."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        REJOINED = "rejoined", _("Rejoined")
        WITHDRAWAL_ANNOUNCED = "withdrawal_announced", _("Withdrawal announced")
        WITHDRAWAL_EFFECTIVE = "withdrawal_effective", _("Withdrawal effective")
        WITHDRAWAL_RETRACTED = "withdrawal_retracted", _("Withdrawal retracted")
        FUNDING_CUT = "funding_cut", _("Funding cut")
        FUNDING_RESTORED = "funding_restored", _("Funding restored")
        OBSERVER_STATUS = "observer_status", _("Observer status")
        REVIEW_ORDERED = "review_ordered", _("Review ordered")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    key = models.SlugField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("Stable identifier used by imports, e.g. who-withdrawal-announced-2025-01-20."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organization"),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="US",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("An ISO 3166 alpha-2 code, such as US."))],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("instrument"),
    )
    summary = models.TextField(_("summary"), blank=True)
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), blank=True, related_name="events"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MembershipEventQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "announced_on", "effective_on"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        permissions = [("verify_membershipevent", _("Can verify membership events"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True)
                | Q(announced_on__isnull=True)
                | Q(effective_on__gte=F("announced_on")),
                name="event_effective_not_before_announced",
            ),
            models.CheckConstraint(
                condition=Q(announced_on__isnull=False) | Q(effective_on__isnull=False),
                name="event_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="event_country_iso_alpha2"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "country", "announced_on"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["announced_on"]),
            models.Index(fields=["effective_on"]),
            models.Index(fields=["country"]),
        ]

    def __str__(self) -> str:
        # The label straight from the choices: get_kind_display() looks the
        # value up through the field's flattened choices on every call.
        try:
            kind = self.Kind(self.kind).label
        except ValueError:  # not (yet) one of the kinds
            kind = self.kind
        return f"{self.organization.name}: {kind} ({self.date})"

    def get_absolute_url(self) -> str:
        return f"{self.organization.get_absolute_url()}#event-{self.pk}"

    @property
    def is_verified(self) -> bool:
        """Shown as verified only when a moderator verified it and it cites a source."""
        return self.verified_at is not None and len(self.sources.all()) > 0

    @property
    def date(self):
        """The date the event is best known by: when announced, else when effective."""
        return self.announced_on or self.effective_on
