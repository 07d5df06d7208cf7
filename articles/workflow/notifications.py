"""Background work queued by the review workflow: email about review steps."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.tasks import task
from django.template.loader import render_to_string
from django.utils.translation import get_language_info, override

from articles.models import ReviewLog

MODERATORS_GROUP = "Moderators"

# Which template set each logged action sends; other actions send nothing.
EMAIL_TEMPLATES = {
    ReviewLog.Action.SUBMIT: "submitted",
    ReviewLog.Action.APPROVE: "approved",
    ReviewLog.Action.REQUEST_CHANGES: "changes_requested",
}


def review_recipients(entry: ReviewLog) -> list:
    """The users a review log entry concerns, each once, never the person who acted.

    A submission concerns the moderators; an approval or a request for
    changes concerns the revision's author and the submitter. Only active
    users with an email address are returned.
    """
    User = get_user_model()
    if entry.action == ReviewLog.Action.SUBMIT:
        candidates = list(
            User.objects.filter(groups__name=MODERATORS_GROUP).distinct().order_by("pk")
        )
    elif entry.action in {ReviewLog.Action.APPROVE, ReviewLog.Action.REQUEST_CHANGES}:
        candidates = [entry.revision.created_by, entry.translation.submitted_by]
    else:
        candidates = []
    recipients, seen = [], {entry.actor_id}
    for user in candidates:
        if user is None or user.pk in seen or not user.is_active or not user.email:
            continue
        seen.add(user.pk)
        recipients.append(user)
    return recipients


@task
def send_review_notification(review_log_id: int) -> int:
    """Email the people a review step concerns; return how many messages were sent."""
    entry = ReviewLog.objects.select_related(
        "actor",
        "revision__created_by",
        "translation__article",
        "translation__submitted_by",
    ).get(pk=review_log_id)
    template = EMAIL_TEMPLATES.get(entry.action)
    if template is None:
        return 0
    recipients = review_recipients(entry)
    if not recipients:
        return 0
    # Accounts carry no language preference, so staff email is in the site's
    # default language.
    with override(settings.LANGUAGE_CODE):
        messages = []
        for recipient in recipients:
            context = {
                "entry": entry,
                "translation": entry.translation,
                "article": entry.translation.article,
                "revision": entry.revision,
                "actor": entry.actor,
                "recipient": recipient,
                "language_name": get_language_info(entry.translation.language)["name_translated"],
                "site_name": settings.SITE_NAME,
            }
            subject = " ".join(
                render_to_string(f"articles/email/{template}_subject.txt", context).split()
            )
            body = render_to_string(f"articles/email/{template}_body.txt", context)
            messages.append(EmailMessage(subject=subject, body=body, to=[recipient.email]))
    return mailers.default.send_messages(messages) or 0
