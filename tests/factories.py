"""Factories for every model, in one place."""

import datetime

import factory
from django.contrib.auth import get_user_model

from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.LazyAttribute(lambda domain: domain.slug.replace("-", " ").title())


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"International Organization {n}")
    slug = factory.Sequence(lambda n: f"international-organization-{n}")
    acronym = factory.Sequence(lambda n: f"IO{n}")
    kind = Organization.Kind.NON_UN_IGO
    un_related = False


class OrganizationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationName

    organization = factory.SubFactory(OrganizationFactory)
    language = "zh-hans"
    name = factory.Sequence(lambda n: f"国际组织{n}")
    is_preferred = True


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    slug = factory.Sequence(lambda n: f"eo-{15000 + n}")
    kind = Instrument.Kind.EXECUTIVE_ORDER
    number = factory.Sequence(lambda n: str(15000 + n))
    title = factory.Sequence(lambda n: f"Executive Order {15000 + n}")
    signed_on = datetime.date(2025, 2, 4)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "Example Gazette"


class MembershipEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipEvent
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"event-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    country = "US"
    kind = MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
    announced_on = datetime.date(2025, 2, 4)
    effective_on = None
