"""A soak: the site under steady load while editors save and moderators approve.

For `SOAK_SECONDS` (60 by default; set the environment variable for a shorter
or longer run) four readers request a mix of public pages from the live
server over loopback, two editors keep saving and submitting new revisions
of three shared translations, and two moderators approve whatever is in
review, so that the readers' article pages keep changing under them.
Refusals the workflow is designed to give — a stale revision, a step the
state no longer allows — are counted as outcomes; anything else is an error.

Afterwards: no reader got a server error, no worker raised anything
unexpected, every save is in the database with exactly its text, and the
review log holds exactly one row per transition. Readers never saw a text no
moderator had approved, nor, once an approval had returned, an older text
than the one approved (a stale page from the cache); and each article page
shows the last approved text. Run with `-s` to see the counts.

PostgreSQL only. The SQLite test database lives in memory in shared-cache
mode, where a writer locks whole tables and every other connection gets
"database table is locked" at once instead of waiting, so a soak there
measures the test database, not the site.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import close_old_connections, connection

from articles import workflow
from articles.models import ReviewLog, Revision, Translation
from articles.workflow import StaleRevision, SubmissionBlocked, TransitionNotAllowed
from ops.demo import seed_demo
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
READERS = 4
EDITORS = 2
MODERATORS = 2
# A reader that gets nothing done is as much a failure as one that gets errors.
MINIMUM_REQUESTS_PER_SECOND = 5
REQUEST_TIMEOUT = 30
# Time the threads get to finish the step in hand once the deadline passes.
JOIN_GRACE = 60
DEMO_ARTICLE = "a-year-of-american-exits"

# Every save appends a paragraph carrying a marker unique to that save, so a
# page shows which revision it was rendered from.
MARKER = re.compile(r"soak-\d+-\d{5}")

STABLE_PAGES = [
    "/en/",
    "/zh-hans/",
    f"/zh-hans/articles/{DEMO_ARTICLE}/",
    "/en/registry/",
    "/en/registry/?q=health&un_related=true&sort=-acronym",
    "/zh-hans/registry/?status=withdrawn&sort=status",
    "/en/registry/world-health-organization/",
    "/en/registry/instruments/eo-14155/",
    "/en/registry/events/",
    "/en/registry/events/?kind=withdrawal_effective",
    "/en/search/?q=organization",
    "/zh-hans/search/?q=%E4%B8%96%E7%95%8C",
    "/en/corrections/",
    "/en/feeds/articles.rss",
    "/en/feeds/articles.atom",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]


@dataclass(frozen=True)
class Target:
    """A translation the editors keep rewriting, as it was before the soak."""

    pk: int
    page: str
    body: str
    latest_revision: int
    revisions_before: int
    live_number: int | None
    was_submitted: bool


@dataclass(frozen=True)
class Save:
    revision: int
    number: int
    translation: int
    based_on: int
    body: str
    marker: str


@dataclass(frozen=True)
class Approval:
    revision: int
    translation: int
    returned_at: float


@dataclass(frozen=True)
class Sighting:
    """What a reader's request for an article page being rewritten showed."""

    translation: int
    requested_at: float
    status: int
    markers: frozenset[str]


@dataclass
class Tally:
    """What one thread did; each thread writes only its own."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    sightings: list[Sighting] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    stale: int = 0
    submitted: list[int] = field(default_factory=list)
    submit_refusals: int = 0
    approvals: list[Approval] = field(default_factory=list)
    approve_refusals: int = 0
    errors: list[str] = field(default_factory=list)


def member(username: str, group: str):
    user = factories.UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


def target_from(translation: Translation) -> Target:
    return Target(
        pk=translation.pk,
        page=f"/{translation.language}/articles/{translation.article.slug}/",
        body=translation.latest_revision.body,
        latest_revision=translation.latest_revision_id,
        revisions_before=translation.revisions.count(),
        live_number=translation.live_revision.number if translation.live_revision else None,
        was_submitted=translation.status != Translation.Status.DRAFT,
    )


@pytest.fixture
def quiet_notifications():
    """Every transition emails through an immediate task that logs each run at INFO;
    thousands of those lines would bury the soak's summary and any real error."""
    logger = logging.getLogger("django.tasks")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.fixture
def newsroom(quiet_notifications, live_server):
    """The registry, the published demo article and two articles whose translations are drafts.

    The demo article's English version is live, so its page changes under the
    readers at every approval; the two drafts go live during the soak.
    """
    call_command("load_registry", verbosity=0)
    demo = seed_demo()
    writer = member("seed-writer", "Editors")
    reviewer = member("seed-reviewer", "Moderators")
    translations = [demo.article.translations.get(language="en")]
    for _ in range(2):
        original, (english,) = factories.article_ready_for_review(written_by=writer)
        workflow.submit(translation=original, by=writer)
        workflow.approve(translation=original, by=reviewer)
        translations.append(english)
    return [
        target_from(
            Translation.objects.select_related("article", "latest_revision", "live_revision").get(
                pk=translation.pk
            )
        )
        for translation in translations
    ]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode("utf-8", "replace")


def read(*, base_url: str, targets: list[Target], seed: int, deadline: float, tally: Tally):
    """Request public pages until the deadline, one in three an article being rewritten."""
    rng = random.Random(seed)
    article_pages = {target.page: target for target in targets}
    paths = list(article_pages)
    try:
        while time.monotonic() < deadline:
            path = rng.choice(paths if rng.random() < 1 / 3 else STABLE_PAGES)
            requested_at = time.monotonic()
            try:
                status, text = fetch(base_url + path)
            except OSError as error:
                tally.errors.append(f"GET {path}: {error!r}")
                continue
            tally.requests += 1
            tally.statuses[status] += 1
            target = article_pages.get(path)
            # Only a translation that was not live before the soak may be
            # missing, until its first approval.
            allowed = {200} if target is None or target.live_number else {200, 404}
            if status not in allowed or "Traceback" in text:
                tally.errors.append(f"GET {path}: {status} {text[:300]!r}")
            if target is not None:
                markers = frozenset(MARKER.findall(text))
                tally.sightings.append(Sighting(target.pk, requested_at, status, markers))
    except Exception:
        tally.errors.append(traceback.format_exc())


def edit(*, editor, index: int, targets: list[Target], deadline: float, tally: Tally):
    """Save a new revision of a shared translation, then submit it, until the deadline."""
    rng = random.Random(1000 + index)
    bodies = {target.pk: target.body for target in targets}
    pks = list(bodies)
    count = 0
    try:
        while time.monotonic() < deadline:
            count += 1
            pk = rng.choice(pks)
            marker = f"soak-{index}-{count:05d}"
            body = f"{bodies[pk]}\n\nRevised while readers were reading: {marker}."
            try:
                save_and_submit(editor=editor, pk=pk, body=body, marker=marker, tally=tally)
            except Exception:
                tally.errors.append(traceback.format_exc())
            time.sleep(rng.uniform(0, 0.05))
    finally:
        close_old_connections()
        connection.close()


def save_and_submit(*, editor, pk: int, body: str, marker: str, tally: Tally) -> None:
    translation = Translation.objects.select_related("latest_revision").get(pk=pk)
    based_on = translation.latest_revision
    try:
        revision = workflow.revision_create(
            translation=translation,
            title=based_on.title,
            standfirst=based_on.standfirst,
            body=body,
            by=editor,
            based_on=based_on,
        )
    except StaleRevision:
        tally.stale += 1
        return
    tally.saves.append(Save(revision.pk, revision.number, pk, based_on.pk, body, marker))
    try:
        workflow.submit(translation=translation, by=editor)
    except SubmissionBlocked:
        raise
    except TransitionNotAllowed:
        tally.submit_refusals += 1
        return
    tally.submitted.append(translation.latest_revision_id)


def moderate(*, moderator, index: int, targets: list[Target], deadline: float, tally: Tally):
    """Approve a translation in review, whichever comes up, until the deadline."""
    rng = random.Random(2000 + index)
    pks = [target.pk for target in targets]
    try:
        while time.monotonic() < deadline:
            try:
                approve_one(moderator=moderator, pks=pks, rng=rng, tally=tally)
            except Exception:
                tally.errors.append(traceback.format_exc())
    finally:
        close_old_connections()
        connection.close()


def approve_one(*, moderator, pks: list[int], rng: random.Random, tally: Tally) -> None:
    in_review = list(
        Translation.objects.filter(pk__in=pks, status=Translation.Status.IN_REVIEW).values_list(
            "pk", flat=True
        )
    )
    if not in_review:
        time.sleep(0.01)
        return
    translation = Translation.objects.get(pk=rng.choice(in_review))
    try:
        workflow.approve(translation=translation, by=moderator, comment="Checked under load.")
    except SubmissionBlocked:
        raise
    except TransitionNotAllowed:
        tally.approve_refusals += 1
        return
    tally.approvals.append(Approval(translation.live_revision_id, translation.pk, time.monotonic()))


def run_soak(*, base_url: str, targets: list[Target], seconds: float) -> Tally:
    """Run every reader, editor and moderator until `seconds` have passed; return their tally."""
    deadline = time.monotonic() + seconds
    work = {
        f"reader-{i}": partial(read, base_url=base_url, targets=targets, seed=i)
        for i in range(1, READERS + 1)
    }
    for i in range(1, EDITORS + 1):
        editor = member(f"soak-editor-{i}", "Editors")
        work[f"editor-{i}"] = partial(edit, editor=editor, index=i, targets=targets)
    for i in range(1, MODERATORS + 1):
        moderator = member(f"soak-moderator-{i}", "Moderators")
        work[f"moderator-{i}"] = partial(moderate, moderator=moderator, index=i, targets=targets)
    tallies = {name: Tally() for name in work}
    threads = [
        threading.Thread(
            name=name, target=job, kwargs={"deadline": deadline, "tally": tallies[name]}
        )
        for name, job in work.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + JOIN_GRACE)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"still running {JOIN_GRACE}s after the deadline: {stuck}"
    return merged(tallies.values())


def merged(tallies) -> Tally:
    total = Tally()
    for tally in tallies:
        total.requests += tally.requests
        total.statuses.update(tally.statuses)
        total.sightings += tally.sightings
        total.saves += tally.saves
        total.stale += tally.stale
        total.submitted += tally.submitted
        total.submit_refusals += tally.submit_refusals
        total.approvals += tally.approvals
        total.approve_refusals += tally.approve_refusals
        total.errors += tally.errors
    return total


def summary(total: Tally, seconds: float) -> str:
    return (
        f"soak {seconds:g}s on {connection.vendor}: {total.requests} reader requests "
        f"({total.requests / seconds:.1f}/s, statuses {dict(sorted(total.statuses.items()))}, "
        f"{len(total.sightings)} of pages being rewritten), "
        f"{len(total.saves)} saves, {total.stale} stale-revision refusals, "
        f"{len(total.submitted)} submissions, {total.submit_refusals} submit refusals, "
        f"{len(total.approvals)} approvals, {total.approve_refusals} approve refusals, "
        f"{len(total.errors)} errors"
    )


def assert_every_save_kept(targets: list[Target], saves: list[Save]) -> None:
    stored = {
        revision.pk: (revision.translation_id, revision.number, revision.body)
        for revision in Revision.objects.filter(pk__in=[save.revision for save in saves])
    }
    assert stored == {save.revision: (save.translation, save.number, save.body) for save in saves}
    for target in targets:
        numbers = list(
            Revision.objects.filter(translation_id=target.pk)
            .order_by("number")
            .values_list("number", flat=True)
        )
        made = sum(1 for save in saves if save.translation == target.pk)
        assert numbers == list(range(1, target.revisions_before + made + 1))


def assert_one_log_row_per_transition(targets: list[Target], total: Tally, log_mark: int) -> None:
    # A save logs an edit exactly when it takes the translation out of review
    # or publication: when the revision it replaced had been submitted.
    submitted = set(total.submitted) | {t.latest_revision for t in targets if t.was_submitted}
    expected = {
        ReviewLog.Action.SUBMIT: sorted(total.submitted),
        ReviewLog.Action.APPROVE: sorted(approval.revision for approval in total.approvals),
        ReviewLog.Action.EDIT: sorted(
            save.revision for save in total.saves if save.based_on in submitted
        ),
    }
    logged = {action: [] for action in ReviewLog.Action.values}
    rows = ReviewLog.objects.filter(pk__gt=log_mark).values_list("action", "revision_id")
    for action, revision in rows:
        logged[action].append(revision)
    assert {action: sorted(revisions) for action, revisions in logged.items() if revisions} == {
        action: revisions for action, revisions in expected.items() if revisions
    }


def assert_readers_saw_only_approved_current_text(targets: list[Target], total: Tally) -> None:
    """Each article page showed an approved revision, and none older than one already approved.

    An approval that had returned before a request was sent is committed, so
    the page must show that revision or a later one: anything older came from
    a cache that missed the change.
    """
    saves = {save.marker: save for save in total.saves}
    numbers = {save.revision: save.number for save in total.saves}
    approved = {approval.revision for approval in total.approvals}
    live_before = {target.pk: target.live_number for target in targets}
    problems = []
    for sighting in total.sightings:
        where = f"translation {sighting.translation}, request at {sighting.requested_at:.3f}"
        if len(sighting.markers) > 1:
            problems.append(f"{where}: more than one revision on the page")
            continue
        if sighting.markers:
            (marker,) = sighting.markers
            shown = saves[marker]
            if shown.revision not in approved:
                problems.append(f"{where}: showed revision {shown.number}, never approved")
            shown_number = shown.number
        elif sighting.status == 200:
            shown_number = live_before[sighting.translation]
        else:
            shown_number = 0
        required = max(
            (
                numbers[approval.revision]
                for approval in total.approvals
                if approval.translation == sighting.translation
                and approval.returned_at < sighting.requested_at
            ),
            default=0,
        )
        if shown_number < required:
            problems.append(
                f"{where}: showed revision {shown_number} after revision {required} was approved"
            )
    assert problems == [], "\n".join(problems[:20])
    seen = set().union(*(sighting.markers for sighting in total.sightings))
    assert len(seen) >= 2, "readers never saw an article page change"


def assert_pages_show_the_last_approved_text(base_url: str, targets: list[Target], total: Tally):
    markers = {save.revision: save.marker for save in total.saves}
    approved = [approval.revision for approval in total.approvals]
    for target in targets:
        translation = Translation.objects.get(pk=target.pk)
        last_approved = (
            Revision.objects.filter(pk__in=approved, translation_id=target.pk)
            .order_by("-number")
            .first()
        )
        if last_approved is not None:
            assert translation.live_revision_id == last_approved.pk
        status, text = fetch(base_url + target.page)
        assert status == (200 if translation.live_revision_id else 404)
        expected = {markers[last_approved.pk]} if last_approved else set()
        assert set(MARKER.findall(text)) == expected


@pytest.mark.postgres_only
def test_the_site_stays_up_and_loses_nothing_under_a_soak(newsroom, live_server):
    log_mark = ReviewLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    total = run_soak(base_url=live_server.url, targets=newsroom, seconds=SOAK_SECONDS)
    print(f"\n{summary(total, SOAK_SECONDS)}")

    assert total.errors == [], "\n\n".join(total.errors[:10])
    assert total.requests >= MINIMUM_REQUESTS_PER_SECOND * SOAK_SECONDS
    assert total.saves and total.approvals
    assert_every_save_kept(newsroom, total.saves)
    assert_one_log_row_per_transition(newsroom, total, log_mark)
    assert_readers_saw_only_approved_current_text(newsroom, total)
    assert_pages_show_the_last_approved_text(live_server.url, newsroom, total)
