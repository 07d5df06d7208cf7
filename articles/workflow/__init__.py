"""The review workflow: the only place a translation's state changes.

Each transition checks the actor's permission, re-reads the translation row
under a lock and checks its state, changes it in one transaction, writes one
`ReviewLog` row and queues notifications for after the commit. Admin actions,
views, commands and tests all call these functions, so they behave the same
whoever calls them.

`Translation.status` is the state of the latest revision: editing a published
translation starts a new draft while readers keep the live revision until a
moderator approves the edit.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles import checks
from articles.checks import Problem
from articles.models import EvidenceChange, ReviewLog, Revision, Translation
from articles.search_index import search_index_update
from articles.workflow.notifications import send_review_notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    Actor = AbstractUser | AnonymousUser

Status = Translation.Status
Action = ReviewLog.Action

SUBMIT_PERMISSION = "articles.submit_translation"
REVIEW_PERMISSION = "articles.review_translation"
WRITE_PERMISSION = "articles.add_revision"


class TransitionNotAllowed(Exception):
    """The translation is not in a state that allows this step; the message says why."""


class CommentRequired(TransitionNotAllowed):
    """The step must say why it was taken."""


class SubmissionBlocked(TransitionNotAllowed):
    """The text is not ready for review; `problems` says each reason, `found` holds them."""

    def __init__(self, found: list[Problem]) -> None:
        self.found = list(found)
        self.problems = [problem.message for problem in self.found]
        super().__init__(
            _("This translation cannot go to review yet: %(problems)s")
            % {"problems": " ".join(self.problems)}
        )


class StaleRevision(Exception):
    """Someone saved a newer revision since the editor started; nothing was saved."""

    def __init__(self, *, latest_revision: Revision) -> None:
        self.latest_revision = latest_revision
        self.saved_by = latest_revision.created_by
        self.saved_at = latest_revision.created_at
        who = (
            (self.saved_by.get_full_name() or self.saved_by.get_username())
            if self.saved_by is not None
            else _("an import")
        )
        super().__init__(
            _(
                "%(who)s saved a newer version (revision %(number)s) on %(when)s, after you "
                "started editing. Your text was not saved: compare it with theirs and "
                "apply your changes again."
            )
            % {
                "who": who,
                "number": latest_revision.number,
                "when": date_format(
                    timezone.localtime(self.saved_at), "DATETIME_FORMAT", use_l10n=True
                ),
            }
        )


def _state_phrase(status: str) -> str:
    return {
        Status.DRAFT: _("a draft"),
        Status.IN_REVIEW: _("in review"),
        Status.CHANGES_REQUESTED: _("waiting for requested changes"),
        Status.PUBLISHED: _("published"),
        Status.UNPUBLISHED: _("unpublished"),
    }[status]


def _require_permission(by: Actor | None, permission: str, message: str) -> None:
    if by is None or not by.has_perm(permission):
        raise PermissionDenied(message)


def _require_comment(comment: str, message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired(message)
    return comment


def _lock(translation: Translation) -> Translation:
    # Re-read under a row lock so that two moderators acting at once are
    # serialised: the second sees the first one's result, not a stale state.
    # No join here: when the lock had to wait, PostgreSQL re-reads the locked
    # row but may keep a joined row from before the wait, so the revisions
    # are loaded after the lock is held.
    locked = Translation.objects.select_for_update().get(pk=translation.pk)
    prefetch_related_objects([locked], "latest_revision", "live_revision")
    return locked


def _copy_state(*, source: Translation, target: Translation) -> None:
    if source is target:
        return
    for field in Translation._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _log(
    *,
    translation: Translation,
    revision: Revision,
    by: Actor,
    from_status: str,
    action: str,
    comment: str = "",
    notify: bool = False,
) -> ReviewLog:
    entry = ReviewLog.objects.create(
        translation=translation,
        revision=revision,
        actor=by,
        from_status=from_status,
        to_status=translation.status,
        action=action,
        comment=comment,
    )
    if notify:
        # Only after the commit: a rolled-back step must not send email, and
        # the task must find the row it is given.
        transaction.on_commit(partial(send_review_notification.enqueue, entry.pk), robust=True)
    return entry


def submission_problems(*, translation: Translation) -> list[Problem]:
    """Why the translation's latest revision cannot go to review or be published, if anything.

    The problems of its text that `articles.checks` finds blocking: no text,
    claims not anchored (in the original, any claim; in a translation, any
    the original anchors), anchors orphaned or ambiguous, claims without
    evidence.
    """
    return checks.check_versions([translation])[translation.pk].blocking


def revision_create(
    *,
    translation: Translation,
    title: str,
    standfirst: str,
    body: str,
    by: Actor | None,
    based_on: Revision | None = None,
    source_revision: Revision | None = None,
    correction_note: str = "",
) -> Revision:
    """Save a new revision of `translation` and make it the latest.

    `by` is the author (None only for imports) and needs permission to add
    revisions. `based_on` is the revision the editor started from: when it is
    no longer the latest, nothing is saved and `StaleRevision` says who saved
    the newer one and when. A translation's `source_revision` (the original's
    revision it was translated from) defaults to that of its previous
    revision, else to the original's live or latest revision; originals have
    none. A `correction_note` tells readers what the revision corrects once
    it is approved (see `approve`).

    A new revision is a draft: a translation in review or waiting for changes
    goes back to draft, and so does a published one, whose live revision keeps
    serving readers until the new draft is approved. Each such change of
    status is logged as an edit.
    """
    if by is not None:
        _require_permission(
            by, WRITE_PERMISSION, _("Only editors can write new versions of a translation.")
        )
    if based_on is not None and based_on.translation_id != translation.pk:
        raise ValueError("based_on must be a revision of the same translation.")

    with transaction.atomic():
        locked = _lock(translation)
        latest = locked.latest_revision
        if based_on is not None and latest is not None and based_on.pk != latest.pk:
            latest = Revision.objects.select_related("created_by").get(pk=latest.pk)
            raise StaleRevision(latest_revision=latest)
        source_revision = _source_revision_for(
            translation=locked, latest=latest, source_revision=source_revision
        )
        number = (locked.revisions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        revision = Revision.objects.create(
            translation=locked,
            number=number,
            title=title,
            standfirst=standfirst,
            body=body,
            created_by=by,
            based_on=based_on,
            source_revision=source_revision,
            correction_note=(correction_note or "").strip(),
        )
        from_status = locked.status
        locked.latest_revision = revision
        update_fields = ["latest_revision", "updated_at"]
        if from_status != Status.DRAFT:
            if by is None:
                raise ValueError(
                    "A translation that has left the draft state can only be edited by a user."
                )
            locked.status = Status.DRAFT
            update_fields.append("status")
        locked.save(update_fields=update_fields)
        if from_status != Status.DRAFT:
            _log(
                translation=locked,
                revision=revision,
                by=by,
                from_status=from_status,
                action=Action.EDIT,
            )
    _copy_state(source=locked, target=translation)
    return revision


def _source_revision_for(
    *, translation: Translation, latest: Revision | None, source_revision: Revision | None
) -> Revision | None:
    if translation.is_original:
        if source_revision is not None:
            raise ValueError("The original is not translated from anything.")
        return None
    if source_revision is not None:
        if not Translation.objects.filter(
            pk=source_revision.translation_id,
            article_id=translation.article_id,
            is_original=True,
        ).exists():
            raise ValueError("source_revision must be a revision of this article's original.")
        return source_revision
    if latest is not None and latest.source_revision_id is not None:
        return latest.source_revision
    original = (
        Translation.objects.filter(article_id=translation.article_id, is_original=True)
        .select_related("live_revision", "latest_revision")
        .first()
    )
    if original is None:
        return None
    return original.live_revision or original.latest_revision


def submit(*, translation: Translation, by: Actor) -> Translation:
    """Send the latest revision to the moderators for review.

    Allowed from draft, changes requested and unpublished, for users who may
    submit translations, and only when `submission_problems` finds nothing
    (otherwise `SubmissionBlocked` lists every problem). Notifies the
    moderators once the transaction commits.
    """
    _require_permission(
        by, SUBMIT_PERMISSION, _("Only editors can submit translations for review.")
    )
    with transaction.atomic():
        locked = _lock(translation)
        if locked.status == Status.IN_REVIEW:
            raise TransitionNotAllowed(_("This translation is already in review."))
        if locked.status == Status.PUBLISHED:
            raise TransitionNotAllowed(
                _(
                    "This translation is published and has no new draft to submit; "
                    "edit it to start one."
                )
            )
        if locked.latest_revision is None:
            raise TransitionNotAllowed(
                _("This translation has no text yet; write a first version before submitting.")
            )
        problems = submission_problems(translation=locked)
        if problems:
            raise SubmissionBlocked(problems)
        from_status = locked.status
        locked.status = Status.IN_REVIEW
        locked.submitted_by = by
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        _log(
            translation=locked,
            revision=locked.latest_revision,
            by=by,
            from_status=from_status,
            action=Action.SUBMIT,
            notify=True,
        )
    _copy_state(source=locked, target=translation)
    return translation


def withdraw(*, translation: Translation, by: Actor) -> Translation:
    """Take a translation out of review and back to draft.

    Any user who may submit translations can withdraw one, not only the
    submitter: editors share the desk's drafts.
    """
    _require_permission(
        by, SUBMIT_PERMISSION, _("Only editors can withdraw translations from review.")
    )
    with transaction.atomic():
        locked = _lock(translation)
        if locked.status != Status.IN_REVIEW:
            raise TransitionNotAllowed(
                _("Only a translation in review can be withdrawn; this one is %(state)s.")
                % {"state": _state_phrase(locked.status)}
            )
        from_status = locked.status
        locked.status = Status.DRAFT
        locked.submitted_by = None
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        _log(
            translation=locked,
            revision=locked.latest_revision,
            by=by,
            from_status=from_status,
            action=Action.WITHDRAW,
        )
    _copy_state(source=locked, target=translation)
    return translation


def request_changes(*, translation: Translation, by: Actor, comment: str) -> Translation:
    """Send a translation in review back to its editors with a comment saying what to change.

    Needs the review permission and a non-empty comment. Notifies the
    revision's author and the submitter.
    """
    _require_permission(
        by, REVIEW_PERMISSION, _("Only moderators can request changes to a translation.")
    )
    comment = _require_comment(
        comment, _("Say what should change: requesting changes needs a comment.")
    )
    with transaction.atomic():
        locked = _lock(translation)
        if locked.status != Status.IN_REVIEW:
            raise TransitionNotAllowed(
                _(
                    "Changes can only be requested for a translation in review; "
                    "this one is %(state)s."
                )
                % {"state": _state_phrase(locked.status)}
            )
        from_status = locked.status
        locked.status = Status.CHANGES_REQUESTED
        locked.save(update_fields=["status", "updated_at"])
        _log(
            translation=locked,
            revision=locked.latest_revision,
            by=by,
            from_status=from_status,
            action=Action.REQUEST_CHANGES,
            notify=True,
            comment=comment,
        )
    _copy_state(source=locked, target=translation)
    return translation


def approve(*, translation: Translation, by: Actor, comment: str = "") -> Translation:
    """Publish the revision under review: readers see it from the commit on.

    Needs the review permission, and four eyes hold for everyone, superusers
    included: nobody approves a submission they made or text they wrote since
    the last approved revision. A translation cannot be approved before its
    original is published, nor while `submission_problems` finds anything.
    Sets `first_published_at` on the first approval only. Notifies the
    revision's author and the submitter.

    A correction reaches readers here: when the revision approved carries a
    correction note it gets its `corrected_at`, and the translation's open
    evidence changes are resolved as corrected.
    """
    _require_permission(by, REVIEW_PERMISSION, _("Only moderators can approve translations."))
    with transaction.atomic():
        locked = _lock(translation)
        if locked.status != Status.IN_REVIEW:
            raise TransitionNotAllowed(
                _("Only a translation in review can be approved; this one is %(state)s.")
                % {"state": _state_phrase(locked.status)}
            )
        _require_four_eyes(translation=locked, by=by)
        if (
            not locked.is_original
            and not Translation.objects.published()
            .filter(article_id=locked.article_id, is_original=True)
            .exists()
        ):
            raise TransitionNotAllowed(
                _("A translation cannot be approved before the original is published.")
            )
        problems = submission_problems(translation=locked)
        if problems:
            raise SubmissionBlocked(problems)
        from_status = locked.status
        now = timezone.now()
        _correction_publish(translation=locked, by=by, at=now)
        locked.status = Status.PUBLISHED
        locked.live_revision = locked.latest_revision
        if locked.first_published_at is None:
            locked.first_published_at = now
        locked.save(update_fields=["status", "live_revision", "first_published_at", "updated_at"])
        search_index_update(translation=locked)
        _log(
            translation=locked,
            revision=locked.latest_revision,
            by=by,
            from_status=from_status,
            action=Action.APPROVE,
            notify=True,
            comment=(comment or "").strip(),
        )
    _copy_state(source=locked, target=translation)
    return translation


def _correction_publish(*, translation: Translation, by: Actor, at) -> bool:
    """Date the correction readers are about to see, if any; resolve the flags it answers.

    `translation` is locked, its latest revision about to go live.
    """
    revision = translation.latest_revision
    if not revision.correction_note or revision.corrected_at is not None:
        return False
    # The one write to a revision after its creation: when readers were told.
    Revision.objects.filter(pk=revision.pk).update(corrected_at=at)
    revision.corrected_at = at
    EvidenceChange.objects.open().filter(translation=translation).update(
        resolved_at=at, resolved_by=by, resolution=EvidenceChange.Resolution.CORRECTED
    )
    return True


def _require_four_eyes(*, translation: Translation, by: Actor) -> None:
    if by.pk == translation.submitted_by_id:
        raise PermissionDenied(
            _("Four eyes: you submitted this version, so another moderator has to approve it.")
        )
    last_approved = translation.live_revision
    if last_approved is None:
        last_entry = (
            ReviewLog.objects.filter(translation=translation, action=Action.APPROVE)
            .select_related("revision")
            .first()
        )
        last_approved = last_entry.revision if last_entry is not None else None
    since = last_approved.number if last_approved is not None else 0
    if translation.revisions.filter(number__gt=since, created_by=by.pk).exists():
        raise PermissionDenied(
            _("Four eyes: you wrote part of this version, so another moderator has to approve it.")
        )


def unpublish(*, translation: Translation, by: Actor, comment: str) -> Translation:
    """Take a translation away from readers, saying why.

    Needs the review permission and a non-empty comment. The live revision is
    cleared (the history keeps it); submitting again starts a new review.
    """
    _require_permission(by, REVIEW_PERMISSION, _("Only moderators can unpublish translations."))
    comment = _require_comment(comment, _("Say why: unpublishing a translation needs a comment."))
    with transaction.atomic():
        locked = _lock(translation)
        if locked.live_revision is None:
            raise TransitionNotAllowed(
                _("Only a published translation can be unpublished; this one is %(state)s.")
                % {"state": _state_phrase(locked.status)}
            )
        from_status = locked.status
        taken_down = locked.live_revision
        locked.status = Status.UNPUBLISHED
        locked.live_revision = None
        locked.save(update_fields=["status", "live_revision", "updated_at"])
        search_index_update(translation=locked)
        _log(
            translation=locked,
            revision=taken_down,
            by=by,
            from_status=from_status,
            action=Action.UNPUBLISH,
            comment=comment,
        )
    _copy_state(source=locked, target=translation)
    return translation


def evidence_change_acknowledge(
    *, translation: Translation, by: Actor, comment: str
) -> Translation:
    """Resolve a published translation's evidence changes: its text stands as published.

    For when the registry changed but the article still holds (or the
    moderator decides no correction is due). Needs the review permission, a
    comment saying why, and at least one open evidence change. The text and
    its status stay as they are; the review log records the decision against
    the revision readers see.
    """
    _require_permission(
        by, REVIEW_PERMISSION, _("Only moderators can acknowledge evidence changes.")
    )
    comment = _require_comment(
        comment, _("Say why the text still stands: acknowledging needs a comment.")
    )
    with transaction.atomic():
        locked = _lock(translation)
        if locked.live_revision is None:
            raise TransitionNotAllowed(
                _("Only a published translation has evidence changes to acknowledge.")
            )
        resolved = (
            EvidenceChange.objects.open()
            .filter(translation=locked)
            .update(
                resolved_at=timezone.now(),
                resolved_by=by,
                resolution=EvidenceChange.Resolution.ACKNOWLEDGED,
            )
        )
        if not resolved:
            raise TransitionNotAllowed(
                _("No evidence of this translation has changed since it was approved.")
            )
        _log(
            translation=locked,
            revision=locked.live_revision,
            by=by,
            from_status=locked.status,
            action=Action.EVIDENCE_REVIEWED,
            comment=comment,
        )
    _copy_state(source=locked, target=translation)
    return translation
