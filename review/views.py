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
    """The comment a review step takes: required or not as the workflow's table says."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, action: ReviewAction, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        step = workflow.TRANSITIONS[action.action]
        field = self.fields["comment"]
        field.label = action.label
        field.help_text = action.help_text
        field.required = step.comment == workflow.Comment.REQUIRED
        if field.required:
            field.error_messages["required"] = step.comment_missing


@dataclass(frozen=True)
class ReviewAction:
    """A button of the review page: the workflow step, its comment field, where to go after."""

    action: str
    transition: Callable[..., Translation]
    label: str
    help_text: str
    success_message: str
    back_to_queue: bool

    def form(self, name: str, data=None) -> DecisionForm:
        return DecisionForm(data, action=self, prefix=name)


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
    if request.method == "POST":
        name = request.POST.get("action", "")
        action = REVIEW_ACTIONS.get(name)
        if action is None:
            return HttpResponseBadRequest(_("Unknown review action."))
        form = action.form(name, request.POST)
        bound[name] = form
        if form.is_valid() and _perform(request, action, translation, form):
            if action.back_to_queue:
                return redirect("review:queue")
            return redirect("review:detail", translation_id=translation.pk)

    page = review_queries.review_page(translation=translation)
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
                f"{name}_form": bound.get(name) or action.form(name)
                for name, action in REVIEW_ACTIONS.items()
            },
        ),
    )


def _describe(translation: Translation) -> str:
    return f"{translation.article.slug} ({translation.get_language_display()})"


def _perform(
    request: HttpRequest, action: ReviewAction, translation: Translation, form: forms.Form
) -> bool:
    """Run the workflow step; on refusal say why on the page and leave everything as it was."""
    try:
        action.transition(
            translation=translation, by=request.user, comment=form.cleaned_data["comment"]
        )
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
