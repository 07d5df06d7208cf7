"""Sources a fact-checker can use (a kind, a note, addresses that name a
document), what the United States is to each organization, the events that
end a participation or a funding, and verification against a named source.

The rows already stored are brought in line by 0007; 0008 then holds every
verification to naming its source.
"""

import django.db.models.deletion
from django.db import migrations, models

import organizations.models


class Migration(migrations.Migration):
    # Writes to registry tables are counted in the content generation's
    # table, whose current shape this needs.
    dependencies = [
        ("organizations", "0005_source_order_by_id"),
        ("freshness", "0002_contentchange_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="relation",
            field=models.CharField(
                choices=[
                    ("member_state", "Member state"),
                    ("treaty_party", "Party to the treaty"),
                    ("observer", "Observer"),
                    ("participant", "Participant"),
                    ("funder", "Funder"),
                ],
                default="member_state",
                help_text=(
                    "What the United States is to it. Only a member state or a treaty party can "
                    "be pending withdrawal; an observer, participant or funder stops taking part "
                    "or paying."
                ),
                max_length=20,
                verbose_name="US relation",
            ),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["relation"], name="organizatio_relatio_1f59d4_idx"),
        ),
        migrations.AddField(
            model_name="source",
            name="kind",
            # Sources stored before kinds existed are unclassified: the weakest kind
            # until an editor says otherwise.
            field=models.CharField(
                choices=[
                    ("primary", "Official text"),
                    ("secondary", "News report"),
                    ("tertiary", "Reference"),
                ],
                default="tertiary",
                help_text=(
                    "Official text (primary): the act itself, or the organization's or "
                    "depositary's own notice. News report (secondary): a news organization or "
                    "reference publication. Reference (tertiary): encyclopedias and aggregators, "
                    "only when nothing better attests the fact."
                ),
                max_length=10,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="source",
            name="note",
            field=models.TextField(
                blank=True,
                help_text=(
                    "What a fact-checker should know: a republication, a partial date, a page "
                    "seen only in a listing and not opened."
                ),
                verbose_name="note",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="archive_url",
            field=models.URLField(
                blank=True,
                help_text=(
                    "An archived copy. Left empty, it is filled with the Wayback Machine's "
                    "address for the date accessed, https://web.archive.org/web/YYYYMMDD/<URL>."
                ),
                max_length=500,
                verbose_name="archive URL",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=models.URLField(
                max_length=500,
                unique=True,
                validators=[organizations.models.validate_names_a_document],
                verbose_name="URL",
            ),
        ),
        migrations.AlterModelOptions(
            name="source",
            options={
                "ordering": ["kind", "title", "pk"],
                "verbose_name": "source",
                "verbose_name_plural": "sources",
            },
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["kind"], name="organizatio_kind_b39089_idx"),
        ),
        migrations.AlterField(
            model_name="membershipevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("joined", "Joined"),
                    ("rejoined", "Rejoined"),
                    ("withdrawal_announced", "Withdrawal announced"),
                    ("withdrawal_effective", "Withdrawal effective"),
                    ("withdrawal_retracted", "Withdrawal retracted"),
                    ("participation_ended", "Participation ended"),
                    ("funding_ceased", "Funding ceased"),
                    ("funding_cut", "Funding cut"),
                    ("funding_restored", "Funding restored"),
                    ("observer_status", "Observer status"),
                    ("review_ordered", "Review ordered"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="membershipevent",
            name="verified_source",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The source, one of the event's own, that a moderator confirmed it against."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="verified_events",
                to="organizations.source",
                verbose_name="verified against",
            ),
        ),
    ]
