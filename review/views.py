"""The moderators' review desk in the admin: the queue, the review page and the editors' desk.

The views are wrapped with `admin.site.admin_view` in `articles.review_urls`,
so only active staff reach them; each then checks its own permission. Every
state change is a call to `articles.workflow`, whose refusals are shown on
the page rather than raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from articles import workflow
from articles.models import Translation
from review import queries as review_queries

REVIEW_PERMISSION = workflow.REVIEW_PERMISSION
VIEW_PERMISSION = "articles.view_translation"


class DecisionForm(forms.Form):
    """The comment a review step takes (required or not as the workflow's table says), and
    what the page showed: the step is taken only on exactly that revision and those claims."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    revision = forms.IntegerField(widget=forms.HiddenInput)
    claims = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, action: ReviewAction, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        step = workflow.TRANSITIONS[action.action]
        field = self.fields["comment"]
        field.label = action.label
        field.help_text = action.help_text
        field.required = step.comment == workflow.Comment.REQUIRED
        if field.required:
            field.error_messages["required"] = step.comment_missing
        if not action.bound:
            del self.fields["revision"], self.fields["claims"]

    @property
    def seen(self) -> workflow.Seen | None:
        """What the page showed when the step was asked for, for the workflow to hold it to."""
        if "revision" not in self.fields:
            return None
        return workflow.Seen(
            revision_id=self.cleaned_data["revision"], claims=self.cleaned_data["claims"]
        )


@dataclass(frozen=True)
class ReviewAction:
    """A button of the review page: the workflow step, its comment field, where to go after."""

    action: str
    transition: Callable[..., Translation]
    label: str
    help_text: str
    success_message: str
    back_to_queue: bool
    # Bound to what the page showed (the revision and claims version on screen).
    bound: bool = True

    def form(self, name: str, data=None, initial=None) -> DecisionForm:
        return DecisionForm(data, action=self, prefix=name, initial=initial)


KEPT_IN_THE_LOG = gettext_lazy("Required. Kept in the review log.")

REVIEW_ACTIONS = {
    "approve": ReviewAction(
        workflow.Action.APPROVE,
        workflow.approve,
        gettext_lazy("Comment"),
        gettext_lazy("Optional. The editors see it on their desk."),
        gettext_lazy("“%(translation)s” is published: readers see this version now."),
        back_to_queue=True,
    ),
    "request_changes": ReviewAction(
        workflow.Action.REQUEST_CHANGES,
        workflow.request_changes,
        gettext_lazy("What should change"),
        gettext_lazy("Required. The editors see it on their desk."),
        gettext_lazy("Changes requested for “%(translation)s”; the editors have been told."),
        back_to_queue=True,
    ),
    "acknowledge_evidence": ReviewAction(
        workflow.Action.EVIDENCE_REVIEWED,
        workflow.evidence_change_acknowledge,
        gettext_lazy("Why the text still stands"),
        KEPT_IN_THE_LOG,
        gettext_lazy(
            "The evidence changes of “%(translation)s” are acknowledged; its text stands."
        ),
        back_to_queue=True,
        bound=False,
    ),
    "unpublish": ReviewAction(
        workflow.Action.UNPUBLISH,
        workflow.unpublish,
        gettext_lazy("Why unpublish"),
        KEPT_IN_THE_LOG,
        gettext_lazy("“%(translation)s” is unpublished: readers no longer see it."),
        back_to_queue=False,
    ),
}


# The editor's desk, section by section: the part of the desk it shows, its id,
# its heading and what it says when it is empty.
DESK_SECTIONS = (
    (
        "changes_requested",
        "changes-requested",
        gettext_lazy("Changes requested"),
        gettext_lazy("No translation of yours is waiting for changes."),
    ),
    (
        "in_review",
        "in-review",
        gettext_lazy("In review"),
        gettext_lazy("None of your translations is in review."),
    ),
    ("drafts", "drafts", gettext_lazy("Drafts"), gettext_lazy("You have no drafts.")),
)


def _admin_context(request: HttpRequest, **context) -> dict:
    return {**admin.site.each_context(request), **context}


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Translations waiting for review, oldest first, published ones now outdated and
    published ones whose evidence changed."""
    _require(request, REVIEW_PERMISSION)
    return TemplateResponse(
        request,
        "admin/articles/review/queue.html",
        _admin_context(
            request,
            title=_("Review queue"),
            entries=review_queries.review_queue(user=request.user),
            outdated=list(review_queries.outdated_published_translations()),
            evidence_changed=review_queries.evidence_changed_translations(),
        ),
    )


@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The current user's drafts, submissions and translations sent back for changes."""
    _require(request, VIEW_PERMISSION)
    desk = review_queries.editors_desk(user=request.user)
    sections = [
        {"id": section_id, "heading": heading, "empty": empty, "entries": getattr(desk, part)}
        for part, section_id, heading, empty in DESK_SECTIONS
    ]
    return TemplateResponse(
        request,
        "admin/articles/review/mine.html",
        _admin_context(request, title=_("My translations"), desk=desk, sections=sections),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, translation_id: int) -> HttpResponse:
    """The review page: both texts aligned, claims, problems, changes, history and buttons.

    Anyone who may view translations can read it; the buttons are for
    moderators, and the workflow decides whether each step is allowed.
    """
    _require(request, VIEW_PERMISSION)
    translation = get_object_or_404(
        review_queries.translations_for_review_page(), pk=translation_id
    )
    bound: dict[str, forms.Form] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        name = request.POST.get("action", "")
        action = REVIEW_ACTIONS.get(name)
        if action is None:
            return HttpResponseBadRequest(_("Unknown review action."))
        form = action.form(name, request.POST)
        bound[name] = form
        if form.is_valid():
            outcome = _perform(request, action, translation, form)
            if outcome is True:
                if action.back_to_queue:
                    return redirect("review:queue")
                return redirect("review:detail", translation_id=translation.pk)
            if outcome == STALE:
                # The page is shown afresh, with what changed; the comment typed stays.
                del bound[name]
                typed[name] = form.cleaned_data["comment"]
                translation = get_object_or_404(
                    review_queries.translations_for_review_page(), pk=translation_id
                )

    page = review_queries.review_page(translation=translation)
    on_screen = {"revision": translation.latest_revision_id, "claims": page.claims_digest}
    can_review = request.user.has_perm(REVIEW_PERMISSION)
    # The buttons shown are the steps the workflow's table allows here.
    allowed = workflow.allowed_actions(translation=translation, by=request.user)
    offered = {name for name, step in REVIEW_ACTIONS.items() if step.action in allowed}
    return TemplateResponse(
        request,
        "admin/articles/review/detail.html",
        _admin_context(
            request,
            title=_("Review: %(translation)s") % {"translation": _describe(translation)},
            page=page,
            translation=translation,
            can_review=can_review,
            offered=offered,
            four_eyes_reason=(
                workflow.four_eyes_reason(translation=translation, user=request.user)
                if "approve" in offered
                else ""
            ),
            **{
                f"{name}_form": bound.get(name)
                or action.form(name, initial={**on_screen, "comment": typed.get(name, "")})
                for name, action in REVIEW_ACTIONS.items()
            },
        ),
    )


def _describe(translation: Translation) -> str:
    return f"{translation.article.slug} ({translation.get_language_display()})"


STALE = "stale"


def _perform(
    request: HttpRequest, action: ReviewAction, translation: Translation, form: DecisionForm
) -> bool | str:
    """Run the workflow step; on refusal say why on the page and leave everything as it was.

    True when the step was taken, STALE when the translation changed since
    the page showed it, False on any other refusal.
    """
    bound_to = {"seen": form.seen} if action.bound else {}
    try:
        action.transition(
            translation=translation,
            by=request.user,
            comment=form.cleaned_data["comment"],
            **bound_to,
        )
    except workflow.StaleReview as error:
        messages.error(request, str(error))
        return STALE
    except workflow.CommentRequired as error:
        form.add_error("comment", str(error))
    except workflow.SubmissionBlocked as error:
        messages.error(request, _("Not possible while the text has problems:"))
        for problem in error.problems:
            messages.error(request, problem)
    except (workflow.TransitionNotAllowed, PermissionDenied) as error:
        messages.error(request, str(error) or _("You are not allowed to do this."))
    else:
        messages.success(request, action.success_message % {"translation": _describe(translation)})
        return True
    return False
