"""Living evidence: figure checks and evidence changes.

A figure claim can carry a `FigureCheck` that measures its number live in
the registry (`articles.evidence.figures`). When a registry record cited by
a published claim changes, `articles.evidence.watch` flags every published
version of the article with an `EvidenceChange` until a moderator
acknowledges it or approves a correction (`articles.workflow`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.claims import Claim, FrozenInASet
from articles.models.editorial import Translation
from articles.models.fields import optional_link
from organizations.models import MembershipEvent
from organizations.status import Status as MembershipStatus

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
    "organizations_with_event_under_instrument": (("instrument",), ("event_kind", "un_related")),
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
        """Checks readers can see: in a claim set live for some language version."""
        return self.filter(
            models.Exists(
                Translation.objects.published().filter(
                    live_claim_set=models.OuterRef("claim__claim_set")
                )
            )
        )

    def for_checking(self):
        """Checks with their claim and article, in article and claim order."""
        return self.select_related("claim__article").order_by(
            "claim__article__slug", "claim__number"
        )


class FigureCheck(FrozenInASet):
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
    instrument = optional_link("organizations.Instrument", _("instrument"))
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
    organization = optional_link("organizations.Organization", _("organization"))
    domain = optional_link("organizations.Domain", _("domain"))
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

    def in_claim_set(self) -> bool:
        return self.claim.claim_set_id is not None

    @property
    def holds(self) -> bool:
        """Whether the registry today gives the number the article states.

        Needs `registry_value`, which `articles.evidence.figures` measures and
        sets (`attach_registry_values`): a check is never judged unmeasured.
        """
        value = self.registry_value
        return value is not None and value == self.stated_value


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
    resolved_by = optional_link(settings.AUTH_USER_MODEL, _("resolved by"))
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
