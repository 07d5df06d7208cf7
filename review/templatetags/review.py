"""Template helpers of the review desk."""

from django import template

from articles.evidence.watch import describe_changes
from articles.models import EvidenceChange

register = template.Library()


@register.filter
def field_changes(change: EvidenceChange) -> list[tuple[str, str, str]]:
    """(field, before, after) of an evidence change, in the reader's words."""
    return describe_changes(change)
