"""The registry: international organizations and membership events.

Membership status is never stored. It is derived from events by
`organizations.status`, in Python and as a QuerySet annotation.
"""

import datetime
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organizations.status import Relation, status_on_expression

LANGUAGE_CHOICES = settings.LANGUAGES

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", _("A Wikidata id is the letter Q followed by digits, such as Q7817.")
)


def names_a_document(url: str) -> bool:
    """Whether `url` names a document rather than a whole site (a bare domain or `/`)."""
    parts = urlsplit(url)
    return bool(parts.path.strip("/") or parts.query)


def validate_names_a_document(url: str) -> None:
    """Refuse a source address that names a whole site: a fact-checker needs the document."""
    if not names_a_document(url):
        raise ValidationError(
            _(
                "This address names a whole site, not a document; give the address of "
                "the page or file that attests the fact."
            ),
            code="bare_domain",
        )


def wayback_url(url: str, on: datetime.date) -> str:
    """The Wayback Machine's address for its copy of `url` nearest to `on`.

    Built, never fetched: the archive answers with the snapshot closest to
    the date (or offers to take one).
    """
    return f"https://web.archive.org/web/{on:%Y%m%d}/{url}"


def in_citation_order(sources) -> list:
    """Sources in the order the registry cites them, as `Source` orders them: primary first."""
    return sorted(sources, key=lambda source: (source.kind, source.title, source.pk))


def _pointed_at_from_outside(model: type[models.Model]) -> Q:
    """True for rows of `model` that a record of another app points at.

    Read from the relations Django knows, so the registry names no app above it.
    """
    conditions = [
        Exists(relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")}))
        for relation in model._meta.related_objects
        if relation.related_model._meta.app_label != model._meta.app_label
        and not relation.many_to_many
    ]
    return reduce(or_, conditions, Q(pk__in=[]))


# Reads of the registry, each owning its joins and prefetches.


def _preferred_name(language: str, organization: str = "pk") -> Subquery:
    preferred = OrganizationName.objects.filter(
        organization=OuterRef(organization), language=language, is_preferred=True
    ).values("name")[:1]
    return Subquery(preferred, output_field=models.CharField())


class OrganizationQuerySet(models.QuerySet):
    def with_status(self, on: datetime.date | None = None, country: str = "US"):
        """Annotate `status`: the country's membership status on `on` (default today)."""
        return self.annotate(
            status=status_on_expression(
                on or timezone.localdate(), country, events=MembershipEvent.objects.all()
            )
        )

    def with_status_filter(self, status: str, on: datetime.date | None = None):
        """Organizations whose US status on `on` (default today) is `status`."""
        return self.with_status(on).filter(status=status)

    def search(self, query: str):
        """Match `query` against names, aliases and acronyms in every language."""
        query = query.strip()
        if not query:
            return self
        alias_match = OrganizationName.objects.filter(
            Q(name__icontains=query) | Q(acronym__iexact=query), organization=OuterRef("pk")
        )
        return self.filter(
            Q(name__icontains=query) | Q(acronym__iexact=query) | Exists(alias_match)
        )

    def for_list(self):
        """What a list page shows per row, in a fixed number of queries."""
        return self.select_related("parent").prefetch_related("names", "domains")

    def with_local_name(self, language: str):
        """Annotate `local_name`: the preferred name in `language`, else the English one.

        It lets lists sort by the name readers see rather than the canonical one.
        """
        return self.annotate(local_name=Coalesce(_preferred_name(language), "name"))

    def with_parent_local_name(self, language: str):
        """Annotate `parent_local_name`: the parent's name in `language`, else in English."""
        return self.annotate(
            parent_local_name=Coalesce(_preferred_name(language, "parent"), "parent__name")
        )

    def with_relation(self, relation: str):
        """Organizations whose relation to the United States is `relation`."""
        return self.filter(relation=relation)

    def with_primary_source(self):
        """Organizations citing a primary source (the act itself or an official notice)."""
        return self.filter(
            Exists(
                Organization.sources.through.objects.filter(
                    organization_id=OuterRef("pk"), source__kind=Source.Kind.PRIMARY
                )
            )
        )

    def named_in(self, instrument):
        """Organizations with at least one event under `instrument` (an Instrument or a slug)."""
        events = MembershipEvent.objects.filter(organization=OuterRef("pk"))
        if isinstance(instrument, str):
            events = events.filter(instrument__slug=instrument)
        else:
            events = events.filter(instrument=instrument)
        return self.filter(Exists(events))

    def with_event_announced_between(
        self, after: datetime.date | None = None, before: datetime.date | None = None
    ):
        """Organizations with one event announced on or after `after` and on or before `before`.

        Both bounds apply to the same event, in one subquery, so no row is repeated.
        """
        events = MembershipEvent.objects.filter(organization=OuterRef("pk"))
        if after is not None:
            events = events.filter(announced_on__gte=after)
        if before is not None:
            events = events.filter(announced_on__lte=before)
        return self.filter(Exists(events))

    def under_instrument(self, instrument):
        """Organizations named in `instrument`, with their names and `instrument_events`."""
        return self.named_in(instrument).prefetch_related(
            "names",
            Prefetch(
                "events",
                queryset=MembershipEvent.objects.filter(instrument=instrument).order_by(
                    Coalesce("announced_on", "effective_on"), "pk"
                ),
                to_attr="instrument_events",
            ),
        )

    def for_detail(self, language: str):
        """One organization with its names, domains, sources and children's names in `language`.

        Its events are read by the page a page at a time, however many there
        are. Children carry `local_name` rather than their prefetched names, which
        keeps the page within its query budget.
        """
        return self.select_related("parent").prefetch_related(
            "names",
            "domains",
            "sources",
            Prefetch(
                "children",
                queryset=Organization.objects.with_local_name(language).order_by(
                    "local_name", "pk"
                ),
            ),
        )


class InstrumentQuerySet(models.QuerySet):
    def with_primary_source(self):
        """Instruments whose own text is published at `url`: the act itself, a primary source."""
        return self.exclude(url="")

    def with_counts(self):
        """Annotate how many organizations the instrument's events name, by UN-relatedness."""
        return self.annotate(
            organization_count=Count("events__organization", distinct=True),
            un_count=Count(
                "events__organization",
                filter=Q(events__organization__un_related=True),
                distinct=True,
            ),
            non_un_count=Count(
                "events__organization",
                filter=Q(events__organization__un_related=False),
                distinct=True,
            ),
        )


def _cited_sources(**conditions) -> Exists:
    return Exists(
        MembershipEvent.sources.through.objects.filter(
            membershipevent_id=OuterRef("pk"), **conditions
        )
    )


class MembershipEventQuerySet(models.QuerySet):
    def verified(self):
        """Events a moderator verified against a source that they still cite."""
        return self.filter(verified_at__isnull=False).filter(
            _cited_sources(source_id=OuterRef("verified_source_id"))
        )

    def with_source(self):
        """Events citing at least one source."""
        return self.filter(_cited_sources())

    def without_source(self):
        """Events citing no source at all."""
        return self.exclude(_cited_sources())

    def with_primary_source(self):
        """Events citing a primary source: the act itself or an official or depositary notice."""
        return self.filter(_cited_sources(source__kind=Source.Kind.PRIMARY))

    def without_primary_source(self):
        """Events citing no primary source (perhaps secondary or tertiary ones)."""
        return self.exclude(_cited_sources(source__kind=Source.Kind.PRIMARY))

    def with_source_quality(self):
        """Annotate `cites_primary` and `verification_holds`, the evidence behind each event.

        `verification_holds` is what `is_verified` says of one event: verified
        against a source the event still cites.
        """
        return self.annotate(
            cites_primary=_cited_sources(source__kind=Source.Kind.PRIMARY),
            verification_holds=models.Case(
                models.When(
                    verified_at__isnull=False,
                    then=_cited_sources(source_id=OuterRef("verified_source_id")),
                ),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def cited(self):
        """Events a record outside the registry points at, such as a claim's evidence.

        The registry does not know the newsroom: any row of another app with a
        foreign key to the event counts.
        """
        return self.filter(_pointed_at_from_outside(self.model))

    def for_timeline(self):
        """Events with what a timeline or event list shows, oldest first."""
        return (
            self.select_related("instrument", "verified_by")
            .prefetch_related("sources")
            .order_by(Coalesce("announced_on", "effective_on"), "effective_on", "pk")
        )

    def newest_first(self):
        """Events by the date they are best known by, latest first."""
        return self.order_by(Coalesce("announced_on", "effective_on").desc(), "-pk")

    def for_list(self):
        """Events with their organization, instrument and verification, for list pages.

        Whether each verification holds is annotated (`with_source_quality`)
        rather than read from the event's sources, which lists do not load.
        """
        return (
            self.select_related("organization", "instrument", "verified_source")
            .prefetch_related("organization__names")
            .with_source_quality()
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
    Relation = Relation

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    relation = models.CharField(
        _("US relation"),
        max_length=20,
        choices=Relation.choices,
        default=Relation.MEMBER_STATE,
        help_text=_(
            "What the United States is to it. Only a member state or a treaty party can be "
            "pending withdrawal; an observer, participant or funder stops taking part or paying."
        ),
    )
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
            models.Index(fields=["relation"]),
            models.Index(fields=["un_related"]),
            models.Index(fields=["acronym"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})

    def open_data(self) -> dict[str, Any]:
        """What the registry's downloads and its API say of the organization, links aside.

        Reads the parent and the domains: a list loads them first (`for_list()`).
        """
        return {
            "slug": self.slug,
            "name": self.name,
            "acronym": self.acronym,
            "kind": self.kind,
            "relation": self.relation,
            "un_related": self.un_related,
            "parent": self.parent.slug if self.parent_id else None,
            "domains": [domain.slug for domain in self.domains.all()],
            "wikidata_id": self.wikidata_id,
        }

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

    @property
    def has_primary_source(self) -> bool:
        """Whether it cites a primary source (reads prefetched `sources` when present)."""
        return any(source.kind == Source.Kind.PRIMARY for source in self.sources.all())


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

    @property
    def has_primary_source(self) -> bool:
        """Whether its own text is published at `url`: the act itself is a primary source."""
        return bool(self.url)


class Source(models.Model):
    """A published document that attests a registry fact."""

    class Kind(models.TextChoices):
        # Labelled as readers see them next to each source.
        PRIMARY = "primary", _("Official text")
        SECONDARY = "secondary", _("News report")
        TERTIARY = "tertiary", _("Reference")

    url = models.URLField(
        _("URL"), max_length=500, unique=True, validators=[validate_names_a_document]
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        help_text=_(
            "Official text (primary): the act itself, or the organization's or depositary's own "
            "notice. News report (secondary): a news organization or reference publication. "
            "Reference (tertiary): encyclopedias and aggregators, only when nothing better "
            "attests the fact."
        ),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    archive_url = models.URLField(
        _("archive URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "An archived copy. Left empty, it is filled with the Wayback Machine's address "
            "for the date accessed, https://web.archive.org/web/YYYYMMDD/<URL>."
        ),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_(
            "What a fact-checker should know: a republication, a partial date, a page seen "
            "only in a listing and not opened."
        ),
    )

    class Meta:
        # Primary sources first (the kinds sort in that order), then by title;
        # sources often share a title (one statement reported by several
        # outlets): the id keeps their order the same in every database.
        ordering = ["kind", "title", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_primary(self) -> bool:
        return self.kind == self.Kind.PRIMARY


class MembershipEvent(models.Model):
    """A dated change in a country's relation to an organization."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        REJOINED = "rejoined", _("Rejoined")
        WITHDRAWAL_ANNOUNCED = "withdrawal_announced", _("Withdrawal announced")
        WITHDRAWAL_EFFECTIVE = "withdrawal_effective", _("Withdrawal effective")
        WITHDRAWAL_RETRACTED = "withdrawal_retracted", _("Withdrawal retracted")
        PARTICIPATION_ENDED = "participation_ended", _("Participation ended")
        FUNDING_CEASED = "funding_ceased", _("Funding ceased")
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
    verified_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_events",
        verbose_name=_("verified against"),
        help_text=_("The source, one of the event's own, that a moderator confirmed it against."),
    )
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
            # A verification says when and against which source, or nothing at all.
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True, verified_source__isnull=True)
                | Q(verified_at__isnull=False, verified_source__isnull=False),
                name="event_verified_against_a_source",
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
    def verification_source(self) -> Source | None:
        """The source a moderator verified the event against, while the event still cites it.

        Reads the event's `sources` (prefetched on every list), so it costs no query there.
        """
        if self.verified_at is None or self.verified_source_id is None:
            return None
        return next(
            (source for source in self.sources.all() if source.pk == self.verified_source_id),
            None,
        )

    @property
    def is_verified(self) -> bool:
        """Shown as verified only when verified against a source the event cites."""
        return self.verification_source is not None

    @property
    def has_primary_source(self) -> bool:
        """Whether it cites a primary source (reads its prefetched `sources`)."""
        return any(source.kind == Source.Kind.PRIMARY for source in self.sources.all())

    @property
    def date(self):
        """The date the event is best known by: when announced, else when effective."""
        return self.announced_on or self.effective_on
