"""The rows already stored, brought in line with 0006:

- Events of the bundled registry whose key changed with their kind or date
  are renamed, so that the next `load_registry` updates them in place (the
  evidence citing them keeps pointing at the same rows) rather than adding
  a second event beside each.
- Sources whose address names no document (a bare domain or `/`) are
  deleted: nothing may cite them any more, and the bundled registry now
  cites the documents themselves. So are the other sources the bundled
  registry used to cite and no longer does (blogs, content farms, copies
  of lists), which would otherwise stay linked to their organizations.
- A verification now names the source it was made against. One made while
  the event cited a single source was made against that source; any other
  is withdrawn, to be made again by a moderator choosing the source.
"""

from urllib.parse import urlsplit

from django.db import migrations

# Secretariat units and expert bodies: the memorandum ends participation, not a membership.
_PARTICIPATION_ENDED = (
    "department-of-economic-and-social-affairs",
    "international-law-commission",
    "office-of-the-special-adviser-on-africa",
    "office-of-the-special-representative-of-the-secretary-general-for-children-and-armed-conflict",
    "office-of-the-special-representative-of-the-secretary-general-on-sexual-violence-in-conflict",
    "office-of-the-special-representative-of-the-secretary-general-on-violence-against-children",
    "un-energy",
    "un-oceans",
    "un-water",
    "united-nations-register-of-conventional-arms",
    "united-nations-system-chief-executives-board-for-coordination",
)
_UNESCO = "united-nations-educational-scientific-and-cultural-organization"
_UNHRC = "united-nations-human-rights-council"
_UNRWA = "united-nations-relief-and-works-agency-for-palestine-refugees-in-the-near-east"

RENAMED_EVENTS = {
    **{
        f"{slug}-withdrawal-announced-2026-01-07": f"{slug}-participation-ended-2026-01-07"
        for slug in _PARTICIPATION_ENDED
    },
    f"{_UNHRC}-withdrawal-announced-2025-02-04": f"{_UNHRC}-participation-ended-2025-02-04",
    f"{_UNHRC}-funding-cut-2025-02-04": f"{_UNHRC}-funding-ceased-2025-02-04",
    f"{_UNRWA}-funding-cut-2025-02-04": f"{_UNRWA}-funding-ceased-2025-02-04",
    "council-of-europe-observer-status-1995-01-01": "council-of-europe-observer-status-1995-12-07",
    f"{_UNESCO}-rejoined-2023-07-01": f"{_UNESCO}-rejoined-2023-07-11",
}


# What the bundled registry cited before its sources were curated, and no longer cites.
DROPPED_BUNDLED_SOURCES = (
    "https://aljazeera.com/news/2026/1/8/which-are-the-66-global-organisations-the-us-is-leaving-under-trump",
    "https://cpajim.blogspot.com/2026/01/66.html",
    "https://earth.org/trump-withdraws-us-from-66-international-organizations-including-pivotal-climate-treaties",
    "https://elr.info/node/329381",
    "https://github.com/dieghernan/igoR",
    "https://govinfo.gov/content/pkg/FR-2025-02-10/html/2025-02504.htm",
    "https://jang.com.pk/en/56803-us-withdraws-from-wasteful-international-entities-including-climate-treaty-news",
    "https://mediabypassnews.com/us-withdraws-from-66-international-organizations-identified-ineffective/amp",
    "https://one.org/us",
    "https://resilientllp.com/2026/01",
    "https://shmews.com/article/3566",
    "https://tass.com/world/1992659",
    "https://tass.com/world/2070623",
    "https://tasty-yummy.newdizi.lol/2026/01/20/the-66-global-organizations-the-u-s-left-under-trump/2",
    "https://zomipress.com/us-withdrawal-from-66-international-organizations",
)


def _names_a_document(url):
    parts = urlsplit(url)
    return bool(parts.path.strip("/") or parts.query)


def rename_events(apps, schema_editor):
    MembershipEvent = apps.get_model("organizations", "MembershipEvent")
    taken = set(
        MembershipEvent.objects.filter(key__in=RENAMED_EVENTS.values()).values_list(
            "key", flat=True
        )
    )
    for event in MembershipEvent.objects.filter(key__in=RENAMED_EVENTS):
        new_key = RENAMED_EVENTS[event.key]
        if new_key not in taken:
            event.key = new_key
            event.save(update_fields=["key"])


def delete_bare_and_dropped_sources(apps, schema_editor):
    Source = apps.get_model("organizations", "Source")
    bare = [pk for pk, url in Source.objects.values_list("pk", "url") if not _names_a_document(url)]
    Source.objects.filter(pk__in=bare).delete()
    Source.objects.filter(url__in=DROPPED_BUNDLED_SOURCES).delete()


def name_the_verifying_source(apps, schema_editor):
    MembershipEvent = apps.get_model("organizations", "MembershipEvent")
    for event in MembershipEvent.objects.filter(verified_at__isnull=False):
        sources = list(event.sources.values_list("pk", flat=True)[:2])
        if len(sources) == 1:
            event.verified_source_id = sources[0]
        else:
            event.verified_by_id, event.verified_at = None, None
        event.save(update_fields=["verified_source", "verified_by", "verified_at"])


class Migration(migrations.Migration):
    # A migration of its own: on PostgreSQL, rows written in a transaction hold
    # back later schema changes of their tables in that same transaction.
    dependencies = [
        ("organizations", "0006_source_quality_relations_verification"),
    ]

    operations = [
        migrations.RunPython(rename_events, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(
            delete_bare_and_dropped_sources, migrations.RunPython.noop, elidable=True
        ),
        migrations.RunPython(name_the_verifying_source, migrations.RunPython.noop, elidable=True),
    ]
