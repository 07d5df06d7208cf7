"""Field shapes the newsroom's models share."""

from django.db import models


def optional_link(
    to, verbose_name, *, on_delete=models.PROTECT, related_name: str = "+", **options
) -> models.ForeignKey:
    """A link that may be empty: NULL in the database, optional in forms.

    By default it protects what it points at from deletion and gives it no
    reverse accessor; pass `on_delete` and `related_name` to say otherwise.
    """
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
        **options,
    )
