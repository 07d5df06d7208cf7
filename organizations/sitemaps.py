"""Sitemap sections for the registry: organization and instrument pages.

Registry pages exist under every language prefix, but their interface is
translated only into the interface languages; the other prefixes serve the
same page with an English interface. The sitemap lists the interface
languages only, so that crawlers are not sent to near-duplicates, and points
`x-default` at the unprefixed URL, which redirects each reader to their
language.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest

from organizations.models import Instrument, Organization

INTERFACE_LANGUAGES = ["en", "zh-hans"]


class InterfaceLanguagesSitemap(Sitemap):
    """A page per interface language, each listing the others and `x-default` as alternates."""

    i18n = True
    languages = INTERFACE_LANGUAGES
    alternates = True
    x_default = True


class OrganizationSitemap(InterfaceLanguagesSitemap):
    """Every organization's page; it changes when the organization or one of its events does."""

    def items(self):
        return (
            Organization.objects.annotate(
                last_changed=Greatest(
                    "updated_at", Coalesce(Max("events__updated_at"), "updated_at")
                )
            )
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def lastmod(self, organization: Organization):
        return organization.last_changed


class InstrumentSitemap(InterfaceLanguagesSitemap):
    """Every instrument's page."""

    def items(self):
        return Instrument.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, instrument: Instrument):
        return instrument.updated_at
