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

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import checks, claimsets
from articles.checks import Problem
from articles.models import (
    Article,
    ClaimSet,
    EvidenceChange,
    ReviewLog,
    Revision,
    Translation,
)
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


class StaleReview(TransitionNotAllowed):
    """The translation changed since the moderator's page showed it; nothing was done."""


@dataclass(frozen=True)
class Seen:
    """What a moderator's page showed: the latest revision and the claims version (digest).

    A step taken from that page is bound to it: when either has moved on,
    the step is refused and the page shows what changed.
    """

    revision_id: int | None
    claims: str | None

    def refusal(self, translation: Translation, *, claims: str) -> str:
        """Why the step is refused, or '' when the translation is still as it was seen."""
        moved = []
        if self.revision_id is not None and translation.latest_revision_id != self.revision_id:
            moved.append(
                _("a newer revision (%(number)s) was saved")
                % {"number": translation.latest_revision.number}
            )
        if self.claims is not None and claims != self.claims:
            moved.append(_("the claims, their evidence or the bylines were edited"))
        if not moved:
            return ""
        return _(
            "Since this page was opened, %(what)s. Nothing was done: review the changes "
            "shown now and decide again."
        ) % {"what": _(" and ").join(moved)}


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
    claim_set: ClaimSet | None = None,
) -> ReviewLog:
    entry = ReviewLog.objects.create(
        translation=translation,
        revision=revision,
        claim_set=claim_set,
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


def claims_edited(*, article: Article, by: Actor) -> list[Translation]:
    """Record that `by` changed the article's claims, evidence, figure checks or bylines.

    Claims belong to every language version, so each version with text gets
    a log row saying so (the four-eyes rule reads it: whoever edited the
    claims cannot approve them), and each one not already a draft becomes a
    draft, as an edit of its text would make it: readers keep the approved
    claims until a moderator approves the edited ones. Returns the versions
    whose status changed.
    """
    if by is None:
        raise ValueError("Claims are edited by a user.")
    moved = []
    with transaction.atomic():
        for locked in (
            Translation.objects.select_for_update()
            .filter(article=article, latest_revision__isnull=False)
            .order_by("pk")
        ):
            prefetch_related_objects([locked], "latest_revision")
            from_status = locked.status
            if from_status != Status.DRAFT:
                locked.status = Status.DRAFT
                locked.save(update_fields=["status", "updated_at"])
                moved.append(locked)
            _log(
                translation=locked,
                revision=locked.latest_revision,
                by=by,
                from_status=from_status,
                action=Action.CLAIMS_EDITED,
            )
    return moved


@contextmanager
def claims_change(*, articles: Iterable[int], by: Actor) -> Iterator[list[Translation]]:
    """Around a change to the claims, evidence, figure checks or bylines of `articles` (ids):
    every article whose claims version moved is recorded as edited by `by` (`claims_edited`).

    The admin wraps its claim, article and author pages in it, and suggested
    links their claims, so that no edit reaches readers without review. The
    list it yields is filled, on the way out, with the language versions the
    change sent back to draft.
    """
    ids = list(dict.fromkeys(articles))
    before = {pk: claimsets.working_digest(pk) for pk in ids}
    moved: list[Translation] = []
    yield moved
    for article in Article.objects.filter(pk__in=ids).order_by("pk"):
        if claimsets.working_digest(article.pk) != before[article.pk]:
            moved.extend(claims_edited(article=article, by=by))


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


# The transitions ------------------------------------------------------------


class Comment(StrEnum):
    """Whether a step takes a comment from its actor."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


EVERY_STATE = frozenset(Status)


@dataclass(frozen=True)
class Transition:
    """One workflow step: from which states, to which, and who may take it.

    `sources` are the states it starts from; `needs_live` adds that readers
    must see the translation now. `target` is the state it ends in (None:
    the state stays). `refused` says why a state does not allow the step,
    by state or for all; `%(state)s` names the current one.
    """

    action: str
    sources: frozenset[str]
    target: str | None
    permission: str
    denied: str
    refused: str | Mapping[str, str]
    comment: Comment = Comment.NONE
    comment_missing: str = ""
    needs_live: bool = False
    notify: bool = False

    def allows_state(self, translation: Translation) -> bool:
        """Whether the translation's state lets this step start (permission aside)."""
        return translation.status in self.sources and (
            not self.needs_live or translation.live_revision_id is not None
        )

    def refusal(self, translation: Translation) -> str:
        refused = self.refused
        if isinstance(refused, Mapping):
            refused = refused.get(translation.status, refused["*"])
        return str(refused) % {"state": _state_phrase(translation.status)}


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(
        action=Action.SUBMIT,
        sources=frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED}),
        target=Status.IN_REVIEW,
        permission=SUBMIT_PERMISSION,
        denied=gettext_lazy("Only editors can submit translations for review."),
        refused={
            Status.IN_REVIEW: gettext_lazy("This translation is already in review."),
            Status.PUBLISHED: gettext_lazy(
                "This translation is published and has no new draft to submit; "
                "edit it to start one."
            ),
            "*": gettext_lazy("A translation that is %(state)s cannot be submitted."),
        },
        notify=True,
    ),
    Action.WITHDRAW: Transition(
        action=Action.WITHDRAW,
        sources=frozenset({Status.IN_REVIEW}),
        target=Status.DRAFT,
        permission=SUBMIT_PERMISSION,
        denied=gettext_lazy("Only editors can withdraw translations from review."),
        refused=gettext_lazy(
            "Only a translation in review can be withdrawn; this one is %(state)s."
        ),
    ),
    Action.REQUEST_CHANGES: Transition(
        action=Action.REQUEST_CHANGES,
        sources=frozenset({Status.IN_REVIEW}),
        target=Status.CHANGES_REQUESTED,
        permission=REVIEW_PERMISSION,
        denied=gettext_lazy("Only moderators can request changes to a translation."),
        refused=gettext_lazy(
            "Changes can only be requested for a translation in review; this one is %(state)s."
        ),
        comment=Comment.REQUIRED,
        comment_missing=gettext_lazy("Say what should change: requesting changes needs a comment."),
        notify=True,
    ),
    Action.APPROVE: Transition(
        action=Action.APPROVE,
        sources=frozenset({Status.IN_REVIEW}),
        target=Status.PUBLISHED,
        permission=REVIEW_PERMISSION,
        denied=gettext_lazy("Only moderators can approve translations."),
        refused=gettext_lazy(
            "Only a translation in review can be approved; this one is %(state)s."
        ),
        comment=Comment.OPTIONAL,
        notify=True,
    ),
    Action.UNPUBLISH: Transition(
        action=Action.UNPUBLISH,
        sources=EVERY_STATE,
        target=Status.UNPUBLISHED,
        permission=REVIEW_PERMISSION,
        denied=gettext_lazy("Only moderators can unpublish translations."),
        refused=gettext_lazy(
            "Only a published translation can be unpublished; this one is %(state)s."
        ),
        comment=Comment.REQUIRED,
        comment_missing=gettext_lazy("Say why: unpublishing a translation needs a comment."),
        needs_live=True,
    ),
    Action.EVIDENCE_REVIEWED: Transition(
        action=Action.EVIDENCE_REVIEWED,
        sources=EVERY_STATE,
        target=None,
        permission=REVIEW_PERMISSION,
        denied=gettext_lazy("Only moderators can acknowledge evidence changes."),
        refused=gettext_lazy("Only a published translation has evidence changes to acknowledge."),
        comment=Comment.REQUIRED,
        comment_missing=gettext_lazy(
            "Say why the text still stands: acknowledging needs a comment."
        ),
        needs_live=True,
    ),
}


def allowed_actions(*, translation: Translation, by: Actor) -> frozenset[str]:
    """The steps `by` may take on `translation` in its current state.

    What the table says: the state and the permission. The checks a step
    makes once taken (problems, four eyes, the original published) are not
    anticipated; pages that offer a step show those reasons themselves.
    """
    return frozenset(
        action
        for action, step in TRANSITIONS.items()
        if step.allows_state(translation) and by is not None and by.has_perm(step.permission)
    )


def _run(
    action: str,
    *,
    translation: Translation,
    by: Actor,
    comment: str = "",
    check: Callable[[Translation], None] | None = None,
    change: Callable[[Translation], tuple[Revision, list[str]]] | None = None,
    seen: Seen | None = None,
) -> Translation:
    """Take one step: permission, comment, lock, state, what was seen, `check`, `change`,
    save, log, notify.

    `seen` binds the step to the revision and claims version a moderator's
    page showed (`StaleReview` when either moved on). `check(locked)` raises
    when the step cannot be taken; `change(locked)` makes the step's own
    changes to the locked row and returns the revision the log names and the
    fields it changed; it may set `locked._logged_claim_set`, the claims
    version the log row names.
    """
    step = TRANSITIONS[action]
    _require_permission(by, step.permission, str(step.denied))
    comment = (comment or "").strip()
    if step.comment == Comment.REQUIRED and not comment:
        raise CommentRequired(str(step.comment_missing))
    with transaction.atomic():
        locked = _lock(translation)
        if not step.allows_state(locked):
            raise TransitionNotAllowed(step.refusal(locked))
        if seen is not None:
            refusal = seen.refusal(locked, claims=claimsets.working_digest(locked.article_id))
            if refusal:
                raise StaleReview(refusal)
        if check is not None:
            check(locked)
        from_status = locked.status
        revision, fields = change(locked) if change is not None else (locked.latest_revision, [])
        if step.target is not None:
            locked.status = step.target
            fields = [*fields, "status"]
        if fields:
            locked.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
        _log(
            translation=locked,
            revision=revision,
            by=by,
            from_status=from_status,
            action=action,
            comment=comment,
            notify=step.notify,
            claim_set=getattr(locked, "_logged_claim_set", None),
        )
    _copy_state(source=locked, target=translation)
    return translation


def submit(*, translation: Translation, by: Actor) -> Translation:
    """Send the latest revision to the moderators for review.

    Allowed from draft, changes requested and unpublished, for users who may
    submit translations, and only when `submission_problems` finds nothing
    (otherwise `SubmissionBlocked` lists every problem). Notifies the
    moderators once the transaction commits.
    """

    def check(locked: Translation) -> None:
        if locked.latest_revision is None:
            raise TransitionNotAllowed(
                _("This translation has no text yet; write a first version before submitting.")
            )
        problems = submission_problems(translation=locked)
        if problems:
            raise SubmissionBlocked(problems)

    def change(locked: Translation) -> tuple[Revision, list[str]]:
        locked.submitted_by = by
        locked.submitted_at = timezone.now()
        return locked.latest_revision, ["submitted_by", "submitted_at"]

    return _run(Action.SUBMIT, translation=translation, by=by, check=check, change=change)


def withdraw(*, translation: Translation, by: Actor) -> Translation:
    """Take a translation out of review and back to draft.

    Any user who may submit translations can withdraw one, not only the
    submitter: editors share the desk's drafts.
    """

    def change(locked: Translation) -> tuple[Revision, list[str]]:
        locked.submitted_by = None
        locked.submitted_at = None
        return locked.latest_revision, ["submitted_by", "submitted_at"]

    return _run(Action.WITHDRAW, translation=translation, by=by, change=change)


def request_changes(
    *, translation: Translation, by: Actor, comment: str, seen: Seen | None = None
) -> Translation:
    """Send a translation in review back to its editors with a comment saying what to change.

    Needs the review permission and a non-empty comment. With `seen`, only
    when the translation is still as the moderator saw it. Notifies the
    revision's author and the submitter.
    """
    return _run(Action.REQUEST_CHANGES, translation=translation, by=by, comment=comment, seen=seen)


def approve(
    *, translation: Translation, by: Actor, comment: str = "", seen: Seen | None = None
) -> Translation:
    """Publish the revision and the claims under review: readers see them from the commit on.

    The claims, their anchors, evidence and figure checks and the bylines
    are published as they are now, frozen into a claim set
    (`articles.claimsets.claim_set_freeze`) that the log row names. With
    `seen` (what the moderator's page showed), nothing is published unless
    the revision and the claims are still exactly those.

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

    def check(locked: Translation) -> None:
        reason = four_eyes_reason(translation=locked, user=by)
        if reason:
            raise PermissionDenied(reason)
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

    def change(locked: Translation) -> tuple[Revision, list[str]]:
        now = timezone.now()
        claim_set = claimsets.claim_set_freeze(article=locked.article, by=by)
        if seen is not None and seen.claims is not None and claim_set.digest != seen.claims:
            # Edited while this approval ran: what would go live is not what was seen.
            raise StaleReview(seen.refusal(locked, claims=claim_set.digest))
        _correction_publish(translation=locked, by=by, at=now)
        locked.live_revision = locked.latest_revision
        locked.live_claim_set = claim_set
        locked._logged_claim_set = claim_set
        if locked.first_published_at is None:
            locked.first_published_at = now
        search_index_update(translation=locked)
        return locked.latest_revision, ["live_revision", "live_claim_set", "first_published_at"]

    return _run(
        Action.APPROVE,
        translation=translation,
        by=by,
        comment=comment,
        check=check,
        change=change,
        seen=seen,
    )


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


# Four eyes: nobody approves what they submitted, or text they wrote since the
# last approval. One rule, in SQL, for the workflow and the review desk alike.


def approved_through():
    """The number of a translation's last approved revision: the live one, else the last
    the log approved, else 0 (an expression over translation rows)."""
    last_approved = (
        ReviewLog.objects.filter(translation=OuterRef("pk"), action=Action.APPROVE)
        .order_by("-created_at", "-pk")
        .values("revision__number")[:1]
    )
    return Coalesce(F("live_revision__number"), Subquery(last_approved), Value(0))


def wrote_since_approval(user):
    """Whether `user` wrote a revision of the translation since its last approved one, or
    edited its article's claims since its last approval."""
    later_approval = ReviewLog.objects.filter(
        translation=OuterRef("translation"),
        action=Action.APPROVE,
        created_at__gt=OuterRef("created_at"),
    )
    return Exists(
        Revision.objects.filter(
            translation=OuterRef("pk"),
            created_by=getattr(user, "pk", None),
            number__gt=OuterRef("approved_through"),
        )
    ) | Exists(
        ReviewLog.objects.filter(
            translation=OuterRef("pk"),
            action=Action.CLAIMS_EDITED,
            actor=getattr(user, "pk", None),
        ).exclude(Exists(later_approval))
    )


def with_four_eyes(translations: QuerySet[Translation], *, user) -> QuerySet[Translation]:
    """Annotate `written_by_user`: the four-eyes rule bars `user` from approving these."""
    return translations.alias(approved_through=approved_through()).annotate(
        written_by_user=wrote_since_approval(user)
    )


def four_eyes_reason(*, translation: Translation, user) -> str:
    """Why `user` may not approve `translation` under the four-eyes rule, or ''."""
    if translation.submitted_by_id is not None and translation.submitted_by_id == user.pk:
        return _("Four eyes: you submitted this version, so another moderator has to approve it.")
    if (
        with_four_eyes(Translation.objects.filter(pk=translation.pk), user=user)
        .filter(written_by_user=True)
        .exists()
    ):
        return _(
            "Four eyes: you wrote part of this version or edited its claims, so another "
            "moderator has to approve it."
        )
    return ""


def unpublish(
    *, translation: Translation, by: Actor, comment: str, seen: Seen | None = None
) -> Translation:
    """Take a translation away from readers, saying why.

    Needs the review permission and a non-empty comment. The live revision
    and claims are cleared (the history keeps them); submitting again starts
    a new review.
    """

    def change(locked: Translation) -> tuple[Revision, list[str]]:
        taken_down = locked.live_revision
        locked._logged_claim_set = locked.live_claim_set
        locked.live_revision = None
        locked.live_claim_set = None
        search_index_update(translation=locked)
        return taken_down, ["live_revision", "live_claim_set"]

    return _run(
        Action.UNPUBLISH,
        translation=translation,
        by=by,
        comment=comment,
        change=change,
        seen=seen,
    )


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

    def change(locked: Translation) -> tuple[Revision, list[str]]:
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
        return locked.live_revision, []

    return _run(
        Action.EVIDENCE_REVIEWED, translation=translation, by=by, comment=comment, change=change
    )
