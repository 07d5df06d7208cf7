"""Who may take which review step from which state: the whole grid.

Each row gives, for one role and one transition, the outcome from each
starting state: `ok` (the step happens), `denied` (PermissionDenied: the role
may not take this step at all) or `state` (TransitionNotAllowed: the role may,
but not from this state). The permission check comes first, so a role without
the permission is denied whatever the state.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied

from articles import workflow
from articles.models import ReviewLog, Translation
from articles.workflow import TransitionNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db

Status = Translation.Status
STATES = (
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.PUBLISHED,
    Status.UNPUBLISHED,
)
TRANSITIONS = ("submit", "withdraw", "request_changes", "approve", "unpublish")
RESULT = {
    "submit": Status.IN_REVIEW,
    "withdraw": Status.DRAFT,
    "request_changes": Status.CHANGES_REQUESTED,
    "approve": Status.PUBLISHED,
    "unpublish": Status.UNPUBLISHED,
}

# fmt: off
GRID = {
    #                                  draft     in_review changes   published unpublished
    ("anonymous", "submit"):          ("denied", "denied", "denied", "denied", "denied"),
    ("anonymous", "withdraw"):        ("denied", "denied", "denied", "denied", "denied"),
    ("anonymous", "request_changes"): ("denied", "denied", "denied", "denied", "denied"),
    ("anonymous", "approve"):         ("denied", "denied", "denied", "denied", "denied"),
    ("anonymous", "unpublish"):       ("denied", "denied", "denied", "denied", "denied"),
    ("plain", "submit"):              ("denied", "denied", "denied", "denied", "denied"),
    ("plain", "withdraw"):            ("denied", "denied", "denied", "denied", "denied"),
    ("plain", "request_changes"):     ("denied", "denied", "denied", "denied", "denied"),
    ("plain", "approve"):             ("denied", "denied", "denied", "denied", "denied"),
    ("plain", "unpublish"):           ("denied", "denied", "denied", "denied", "denied"),
    ("reader", "submit"):             ("denied", "denied", "denied", "denied", "denied"),
    ("reader", "withdraw"):           ("denied", "denied", "denied", "denied", "denied"),
    ("reader", "request_changes"):    ("denied", "denied", "denied", "denied", "denied"),
    ("reader", "approve"):            ("denied", "denied", "denied", "denied", "denied"),
    ("reader", "unpublish"):          ("denied", "denied", "denied", "denied", "denied"),
    ("editor", "submit"):             ("ok",     "state",  "ok",     "state",  "ok"),
    ("editor", "withdraw"):           ("state",  "ok",     "state",  "state",  "state"),
    ("editor", "request_changes"):    ("denied", "denied", "denied", "denied", "denied"),
    ("editor", "approve"):            ("denied", "denied", "denied", "denied", "denied"),
    ("editor", "unpublish"):          ("denied", "denied", "denied", "denied", "denied"),
    ("moderator", "submit"):          ("ok",     "state",  "ok",     "state",  "ok"),
    ("moderator", "withdraw"):        ("state",  "ok",     "state",  "state",  "state"),
    ("moderator", "request_changes"): ("state",  "ok",     "state",  "state",  "state"),
    ("moderator", "approve"):         ("state",  "ok",     "state",  "state",  "state"),
    ("moderator", "unpublish"):       ("state",  "state",  "state",  "ok",     "state"),
    ("superuser", "submit"):          ("ok",     "state",  "ok",     "state",  "ok"),
    ("superuser", "withdraw"):        ("state",  "ok",     "state",  "state",  "state"),
    ("superuser", "request_changes"): ("state",  "ok",     "state",  "state",  "state"),
    ("superuser", "approve"):         ("state",  "ok",     "state",  "state",  "state"),
    ("superuser", "unpublish"):       ("state",  "state",  "state",  "ok",     "state"),
}
# fmt: on
ROLES = ("anonymous", "plain", "reader", "editor", "moderator", "superuser")
assert set(GRID) == {(role, transition) for role in ROLES for transition in TRANSITIONS}


def make_actor(role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "plain":
        return factories.UserFactory(username="plain")
    if role == "reader":
        # A signed-in account that may look at articles but not change them.
        user = factories.UserFactory(username="reader")
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__startswith="view_"
            )
        )
        return user
    if role == "superuser":
        return factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    group = {"editor": "Editors", "moderator": "Moderators"}[role]
    user = factories.UserFactory(username=f"acting-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def translation_in(status):
    """The original of a ready article in `status`, written and moved there by others."""
    writer = factories.UserFactory(username="writer")
    writer.groups.add(Group.objects.get(name="Editors"))
    reviewer = factories.UserFactory(username="reviewer")
    reviewer.groups.add(Group.objects.get(name="Moderators"))
    original, _ = factories.article_ready_for_review(languages=(), written_by=writer)
    if status != Status.DRAFT:
        workflow.submit(translation=original, by=writer)
    if status == Status.CHANGES_REQUESTED:
        workflow.request_changes(translation=original, by=reviewer, comment="Cite the order.")
    if status in {Status.PUBLISHED, Status.UNPUBLISHED}:
        workflow.approve(translation=original, by=reviewer)
    if status == Status.UNPUBLISHED:
        workflow.unpublish(translation=original, by=reviewer, comment="Legal hold.")
    return Translation.objects.get(pk=original.pk)


def take(transition, translation, by):
    kwargs = {"translation": translation, "by": by}
    if transition in {"request_changes", "unpublish"}:
        kwargs["comment"] = "A reason."
    getattr(workflow, transition)(**kwargs)


CASES = [
    pytest.param(role, transition, status, outcome, id=f"{role}-{transition}-from-{status}")
    for (role, transition), outcomes in GRID.items()
    for status, outcome in zip(STATES, outcomes, strict=True)
]


@pytest.mark.parametrize(("role", "transition", "status", "outcome"), CASES)
def test_permission_grid(role, transition, status, outcome):
    translation = translation_in(status)
    actor = make_actor(role)
    log_rows = ReviewLog.objects.count()

    if outcome == "ok":
        take(transition, translation, actor)
        assert Translation.objects.get(pk=translation.pk).status == RESULT[transition]
        assert ReviewLog.objects.count() == log_rows + 1
        assert ReviewLog.objects.order_by("-pk").first().action == transition
        return

    expected = PermissionDenied if outcome == "denied" else TransitionNotAllowed
    with pytest.raises(expected) as refused:
        take(transition, translation, actor)
    assert str(refused.value)
    assert Translation.objects.get(pk=translation.pk).status == status
    assert ReviewLog.objects.count() == log_rows


@pytest.mark.parametrize(("role", "transition", "status", "outcome"), CASES)
def test_the_transitions_table_offers_exactly_the_steps_the_grid_allows(
    role, transition, status, outcome
):
    """Buttons come from `workflow.allowed_actions`: it must agree with the steps themselves."""
    translation = translation_in(status)
    actor = make_actor(role)

    offered = transition in workflow.allowed_actions(translation=translation, by=actor)

    assert offered == (outcome == "ok")


def test_the_grid_covers_every_role_transition_and_state():
    assert len(CASES) == len(ROLES) * len(TRANSITIONS) * len(STATES)


def test_editors_hold_exactly_their_article_permissions():
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="articles")
        .values_list("codename", flat=True)
    )
    written = ("author", "article", "translation", "revision", "claim", "claimanchor", "evidence")
    assert codenames == {
        *(f"{action}_{model}" for model in written for action in ("add", "change", "view")),
        "delete_claim",
        "delete_claimanchor",
        "delete_evidence",
        *(f"{action}_figurecheck" for action in ("add", "change", "delete", "view")),
        "submit_translation",
        "view_reviewlog",
    }


def test_moderators_hold_the_editors_article_permissions_and_review():
    def article_permissions(group):
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="articles")
            .values_list("codename", flat=True)
        )

    assert article_permissions("Moderators") - article_permissions("Editors") == {
        "review_translation",
        "delete_article",
        "delete_translation",
    }
    assert article_permissions("Editors") <= article_permissions("Moderators")


def test_nobody_may_change_or_delete_the_review_log():
    held = set(
        Permission.objects.filter(
            group__name__in=["Editors", "Moderators"], content_type__model="reviewlog"
        ).values_list("codename", flat=True)
    )
    assert held == {"view_reviewlog"}


def test_an_inactive_moderator_cannot_review():
    translation = translation_in(Status.IN_REVIEW)
    moderator = make_actor("moderator")
    moderator.is_active = False
    moderator.save()
    with pytest.raises(PermissionDenied):
        workflow.approve(translation=translation, by=moderator)
