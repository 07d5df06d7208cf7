"""Every verification names the source it was made against (after 0007 named them)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0007_bundled_keys_bare_sources_verifications"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="membershipevent",
            constraint=models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True, verified_source__isnull=True)
                | models.Q(verified_at__isnull=False, verified_source__isnull=False),
                name="event_verified_against_a_source",
            ),
        ),
    ]
