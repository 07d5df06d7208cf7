"""Figure checks: each measure counted live in the registry, holds or differs, validated."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.evidence import figures
from articles.models import Claim, FigureCheck
from ops import demo
from organizations.models import Instrument, MembershipEvent, Organization
from organizations.status import Status
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
Measure = FigureCheck.Measure
ANNOUNCED = MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
MEMORANDUM = "memorandum-2026-01-07"


def check(claim=None, **fields) -> FigureCheck:
    claim = claim or factories.ClaimFactory(kind=Claim.Kind.FIGURE)
    return figures.attach_registry_values([FigureCheck.objects.create(claim=claim, **fields)])[0]


def under(instrument, stated, **fields) -> FigureCheck:
    return check(
        measure=Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
        instrument=instrument,
        event_kind=ANNOUNCED,
        stated_value=stated,
        **fields,
    )


@pytest.fixture
def demo_article(db):
    from django.core.management import call_command

    call_command("load_registry", verbosity=0)
    return demo.seed_demo().article


def demo_checks(article) -> dict[int, FigureCheck]:
    found = FigureCheck.objects.filter(claim__article=article).select_related("claim")
    return {c.claim.number: c for c in figures.attach_registry_values(list(found))}


# The demo against the bundled registry


def test_demo_figures_hold_against_the_bundled_registry(demo_article):
    checks = demo_checks(demo_article)

    assert {number: (c.stated_value, c.registry_value) for number, c in checks.items()} == {
        1: (66, 66),
        2: (31, 31),
        3: (35, 35),
    }
    assert all(c.holds for c in checks.values())


def test_moving_one_organizations_memorandum_event_makes_its_figures_differ(demo_article):
    event = MembershipEvent.objects.filter(
        instrument__slug=MEMORANDUM, organization__un_related=True
    ).first()
    event.instrument = factories.InstrumentFactory()
    event.save()

    checks = demo_checks(demo_article)
    assert (checks[1].registry_value, checks[1].holds) == (65, False)
    assert (checks[2].registry_value, checks[2].holds) == (30, False)
    assert checks[3].holds


def test_deleting_a_memorandum_event_makes_the_total_differ(demo_article):
    MembershipEvent.objects.filter(
        instrument__slug=MEMORANDUM, organization__un_related=False
    ).first().delete()

    checks = demo_checks(demo_article)
    assert not checks[1].holds and not checks[3].holds
    assert checks[2].holds


# Each measure


def test_organizations_under_instrument_counts_each_organization_once():
    instrument = factories.InstrumentFactory()
    organization = factories.OrganizationFactory()
    factories.MembershipEventFactory(organization=organization, instrument=instrument)
    factories.MembershipEventFactory(
        organization=organization, instrument=instrument, announced_on=D(2025, 3, 1)
    )
    factories.MembershipEventFactory(instrument=instrument)
    factories.MembershipEventFactory(instrument=instrument, kind=MembershipEvent.Kind.FUNDING_CUT)
    factories.MembershipEventFactory(instrument=factories.InstrumentFactory())

    assert figures.compute(under(instrument, 2)) == 2


def test_organizations_under_instrument_count_events_of_any_kind_when_none_is_named():
    """A memorandum that ends some participations and announces other withdrawals names both."""
    instrument = factories.InstrumentFactory()
    factories.MembershipEventFactory(instrument=instrument)
    factories.MembershipEventFactory(
        instrument=instrument, kind=MembershipEvent.Kind.PARTICIPATION_ENDED
    )

    any_kind = check(
        measure=Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
        instrument=instrument,
        stated_value=2,
    )
    assert figures.compute(any_kind) == 2
    assert figures.compute(under(instrument, 1)) == 1


def test_organizations_under_instrument_splits_un_related_from_the_others():
    instrument = factories.InstrumentFactory()
    for un_related in (True, True, False):
        factories.MembershipEventFactory(
            organization=factories.OrganizationFactory(un_related=un_related),
            instrument=instrument,
        )

    assert figures.compute(under(instrument, 2, un_related=True)) == 2
    assert figures.compute(under(instrument, 1, un_related=False)) == 1
    assert figures.compute(under(instrument, 3)) == 3


def test_only_united_states_events_count():
    instrument = factories.InstrumentFactory()
    factories.MembershipEventFactory(instrument=instrument)
    factories.MembershipEventFactory(instrument=instrument, country="FR")

    assert figures.compute(under(instrument, 1)) == 1


def test_events_in_range_includes_both_ends_and_only_the_kind_asked():
    for day in (D(2025, 1, 1), D(2025, 1, 31), D(2025, 2, 1), D(2024, 12, 31)):
        factories.MembershipEventFactory(announced_on=day)
    factories.MembershipEventFactory(announced_on=D(2025, 1, 15), kind=MembershipEvent.Kind.JOINED)
    figure = check(
        measure=Measure.EVENTS_IN_RANGE,
        event_kind=ANNOUNCED,
        date_from=D(2025, 1, 1),
        date_to=D(2025, 1, 31),
        stated_value=2,
    )

    assert figures.compute(figure) == 2
    assert figure.holds


def test_days_from_announcement_to_effect_reads_the_latest_withdrawal_with_both_dates():
    organization = factories.OrganizationFactory()
    factories.MembershipEventFactory(
        organization=organization, announced_on=D(2020, 7, 6), effective_on=D(2021, 7, 6)
    )
    factories.MembershipEventFactory(
        organization=organization, announced_on=D(2025, 1, 20), effective_on=D(2026, 1, 22)
    )
    factories.MembershipEventFactory(organization=organization, announced_on=D(2025, 6, 1))
    figure = check(
        measure=Measure.DAYS_ANNOUNCEMENT_TO_EFFECT, organization=organization, stated_value=367
    )

    assert figures.compute(figure) == 367
    assert figure.holds


def test_days_from_announcement_to_effect_without_such_an_event_differs():
    figure = check(
        measure=Measure.DAYS_ANNOUNCEMENT_TO_EFFECT,
        organization=factories.OrganizationFactory(),
        stated_value=365,
    )

    assert figure.registry_value is None
    assert not figure.holds
    assert figures.verdict_label(figure) == "differs: stated 365, registry —"


def test_organizations_in_domain_with_status_counts_status_on_the_date():
    climate = factories.DomainFactory(slug="climate")
    withdrawn, pending, elsewhere = (factories.OrganizationFactory() for _ in range(3))
    for organization in (withdrawn, pending):
        organization.domains.add(climate)
    factories.MembershipEventFactory(
        organization=withdrawn, announced_on=D(2025, 1, 20), effective_on=D(2025, 6, 1)
    )
    factories.MembershipEventFactory(
        organization=pending, announced_on=D(2025, 1, 20), effective_on=D(2026, 6, 1)
    )
    factories.MembershipEventFactory(
        organization=elsewhere, announced_on=D(2025, 1, 20), effective_on=D(2025, 6, 1)
    )

    def count(status, on):
        return figures.compute(
            check(
                measure=Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS,
                domain=climate,
                status=status,
                on_date=on,
                stated_value=1,
            )
        )

    assert count(Status.WITHDRAWN, D(2025, 12, 31)) == 1
    assert count(Status.WITHDRAWAL_PENDING, D(2025, 12, 31)) == 1
    assert count(Status.WITHDRAWAL_PENDING, D(2025, 3, 1)) == 2
    assert count(Status.MEMBER, D(2024, 12, 31)) == 2


def test_a_decimal_stated_value_holds_against_an_equal_count():
    instrument = factories.InstrumentFactory()
    factories.MembershipEventFactory(instrument=instrument)

    assert under(instrument, Decimal("1.00")).holds
    assert not under(instrument, Decimal("1.50")).holds


def test_verdict_names_both_numbers_when_the_figure_differs():
    instrument = factories.InstrumentFactory()
    factories.MembershipEventFactory(instrument=instrument)

    assert figures.verdict_label(under(instrument, 1)) == "holds"
    assert figures.verdict_label(under(instrument, 66)) == "differs: stated 66, registry 1"


# Queries


@pytest.mark.parametrize("measure", list(Measure))
def test_each_measure_reads_one_query_per_check(measure, django_assert_num_queries):
    domain = factories.DomainFactory()
    figure = check(
        measure=measure,
        stated_value=1,
        instrument=factories.InstrumentFactory()
        if measure != Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS
        and measure != Measure.DAYS_ANNOUNCEMENT_TO_EFFECT
        else None,
        event_kind=ANNOUNCED if measure != Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS else "",
        date_from=D(2025, 1, 1) if measure == Measure.EVENTS_IN_RANGE else None,
        date_to=D(2025, 12, 31) if measure == Measure.EVENTS_IN_RANGE else None,
        organization=factories.OrganizationFactory()
        if measure == Measure.DAYS_ANNOUNCEMENT_TO_EFFECT
        else None,
        domain=domain if measure == Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS else None,
        status=Status.WITHDRAWN if measure == Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS else "",
        on_date=D(2025, 6, 1) if measure == Measure.ORGANIZATIONS_IN_DOMAIN_WITH_STATUS else None,
    )
    figure.full_clean()

    with django_assert_num_queries(1):
        figures.compute(figure)


def test_many_checks_of_one_measure_read_in_one_query(django_assert_num_queries):
    instruments = factories.InstrumentFactory.create_batch(5)
    for instrument in instruments:
        factories.MembershipEventFactory(instrument=instrument)
    checks = [under(instrument, 1) for instrument in instruments]

    with django_assert_num_queries(1):
        values = figures.registry_values(checks)

    assert values == [1] * 5


# Validation


def test_each_missing_parameter_is_named():
    figure = FigureCheck(
        claim=factories.ClaimFactory(kind=Claim.Kind.FIGURE),
        measure=Measure.EVENTS_IN_RANGE,
        stated_value=3,
        event_kind=ANNOUNCED,
    )

    with pytest.raises(ValidationError) as error:
        figure.full_clean()

    assert set(error.value.message_dict) == {"date_from", "date_to"}
    assert "needs from" in error.value.message_dict["date_from"][0]


def test_a_parameter_the_measure_does_not_use_is_refused():
    figure = FigureCheck(
        claim=factories.ClaimFactory(kind=Claim.Kind.FIGURE),
        measure=Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
        stated_value=3,
        instrument=factories.InstrumentFactory(),
        event_kind=ANNOUNCED,
        on_date=D(2025, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        figure.full_clean()

    assert list(error.value.message_dict) == ["on_date"]


def test_only_a_figure_claim_has_a_figure_check():
    figure = FigureCheck(
        claim=factories.ClaimFactory(kind=Claim.Kind.FACT),
        measure=Measure.DAYS_ANNOUNCEMENT_TO_EFFECT,
        stated_value=3,
        organization=factories.OrganizationFactory(),
    )

    with pytest.raises(ValidationError, match="figure"):
        figure.full_clean()


def test_a_range_ending_before_it_starts_is_refused():
    figure = FigureCheck(
        claim=factories.ClaimFactory(kind=Claim.Kind.FIGURE),
        measure=Measure.EVENTS_IN_RANGE,
        stated_value=3,
        event_kind=ANNOUNCED,
        date_from=D(2025, 2, 1),
        date_to=D(2025, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        figure.full_clean()

    assert list(error.value.message_dict) == ["date_to"]


def test_the_database_refuses_a_check_without_its_parameters():
    with pytest.raises(IntegrityError), transaction.atomic():
        FigureCheck.objects.create(
            claim=factories.ClaimFactory(kind=Claim.Kind.FIGURE),
            measure=Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
            stated_value=66,
            event_kind=ANNOUNCED,
        )


# Where editors and readers see it


def test_claim_admin_shows_whether_each_figure_holds(admin_client):
    instrument = factories.InstrumentFactory()
    for _ in range(65):
        factories.MembershipEventFactory(instrument=instrument)
    figure = under(instrument, 66)

    response = admin_client.get(reverse("admin:articles_claim_change", args=[figure.claim_id]))

    assert response.status_code == 200
    assert "differs: stated 66, registry 65" in response.text


def test_claim_admin_validates_the_figure_check_inline(admin_client):
    claim = factories.ClaimFactory(kind=Claim.Kind.FIGURE)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    data = {
        "article": claim.article_id,
        "number": claim.number,
        "statement": claim.statement,
        "kind": claim.kind,
        "verdict": claim.verdict,
        "note": "",
        "anchors-TOTAL_FORMS": "0",
        "anchors-INITIAL_FORMS": "0",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "figure_check-TOTAL_FORMS": "1",
        "figure_check-INITIAL_FORMS": "0",
        "figure_check-0-stated_value": "66",
        "figure_check-0-measure": Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
        "figure_check-0-event_kind": ANNOUNCED,
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "needs instrument" in response.text
    assert not FigureCheck.objects.exists()

    instrument = factories.InstrumentFactory()
    response = admin_client.post(url, data | {"figure_check-0-instrument": instrument.pk})
    assert response.status_code == 302
    assert FigureCheck.objects.get().instrument == instrument


def test_article_page_shows_the_registry_value_beside_the_stated_one(client, demo_article):
    response = client.get(demo_article.get_absolute_url("en"))

    assert response.status_code == 200
    assert response.text.count("Registry today: 66") == 1
    assert "Registry today: 31" in response.text and "Registry today: 35" in response.text
    assert "figure-differs" not in response.text


def test_article_page_marks_a_figure_the_registry_no_longer_gives(client, demo_article):
    Instrument.objects.get(slug=MEMORANDUM).events.filter(
        organization__un_related=False
    ).first().delete()

    response = client.get(demo_article.get_absolute_url("zh-hans"))

    assert "figure-differs" in response.text
    assert "65" in response.text


def test_article_page_reads_its_figures_in_a_fixed_number_of_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_with_figures(count: int):
        article = factories.ArticleFactory()
        body = "\n\n".join(f"Figure number {n} holds." for n in range(1, count + 1))
        original = factories.TranslationFactory(
            article=article, published=True, revision__body=body
        )
        instrument = factories.InstrumentFactory()
        for number in range(1, count + 1):
            claim = factories.ClaimFactory(article=article, number=number)
            factories.ClaimAnchorFactory(
                claim=claim, translation=original, quote=f"Figure number {number} holds"
            )
            factories.EvidenceFactory(claim=claim, organization=None, instrument=instrument)
            under(instrument, number, claim=claim)
        return original.get_absolute_url()

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    assert queries(page_with_figures(1)) == queries(page_with_figures(8))


def test_organization_not_deleted_by_an_existing_figure_check():
    organization = factories.OrganizationFactory()
    check(measure=Measure.DAYS_ANNOUNCEMENT_TO_EFFECT, organization=organization, stated_value=1)

    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Organization.objects.filter(pk=organization.pk).delete()
