"""Two moderators approving the same translation at once publish it once.

On PostgreSQL two threads, each with its own connection, race for real: the
row lock taken by `approve` makes the second wait, then see the first one's
result. SQLite has no row locks and serialises whole write transactions, so
there the test checks the same outcome for approvals that follow each other.
"""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import close_old_connections, connection

from articles import workflow
from articles.models import ReviewLog, Translation
from articles.workflow import TransitionNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def member(username, group):
    user = factories.UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def submitted(transactional_db):
    writer = member("writer", "Editors")
    original, _ = factories.article_ready_for_review(languages=(), written_by=writer)
    workflow.submit(translation=original, by=writer)
    return original


@pytest.fixture
def moderators(transactional_db):
    return [member("moderator-a", "Moderators"), member("moderator-b", "Moderators")]


def assert_published_once(translation, outcomes):
    assert sorted(outcomes) == ["approved", "refused"]
    translation = Translation.objects.get(pk=translation.pk)
    assert translation.status == Translation.Status.PUBLISHED
    assert translation.live_revision == translation.latest_revision
    assert ReviewLog.objects.filter(translation=translation, action="approve").count() == 1


@pytest.mark.postgres_only
def test_simultaneous_approvals_publish_once(submitted, moderators, monkeypatch):
    barrier = threading.Barrier(len(moderators))
    outcomes, errors = [], []
    lock_and_linger = workflow._lock

    def slow_lock(translation):
        # Hold the row lock long enough that the other thread is sure to
        # be waiting for it, rather than finishing before it starts.
        locked = lock_and_linger(translation)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(workflow, "_lock", slow_lock)

    def approve_as(moderator):
        try:
            # Each thread loads the translation itself, as a request would.
            translation = Translation.objects.get(pk=submitted.pk)
            barrier.wait(timeout=10)
            workflow.approve(translation=translation, by=moderator)
            outcomes.append("approved")
        except TransitionNotAllowed as refused:
            assert "this one is published" in str(refused)
            outcomes.append("refused")
        except Exception as error:  # reported below, from the main thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=approve_as, args=(m,)) for m in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert_published_once(submitted, outcomes)


def test_approvals_one_after_the_other_publish_once(submitted, moderators):
    outcomes = []
    # Both moderators opened the review page before either approved.
    stale_copies = [Translation.objects.get(pk=submitted.pk) for _ in moderators]
    for moderator, translation in zip(moderators, stale_copies, strict=True):
        try:
            workflow.approve(translation=translation, by=moderator)
            outcomes.append("approved")
        except TransitionNotAllowed:
            outcomes.append("refused")
    assert_published_once(submitted, outcomes)
