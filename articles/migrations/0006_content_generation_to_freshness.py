"""The content generation's tables move to the `freshness` app, which every layer sits on.

The tables are renamed and the models leave this app's state; the data stays.
`freshness.0001_initial` takes the models over as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_content_generation'),
    ]

    operations = [
        migrations.AlterModelTable(name='contentchange', table='freshness_contentchange'),
        migrations.AlterModelTable(name='contentepoch', table='freshness_contentepoch'),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ContentChange'),
                migrations.DeleteModel(name='ContentEpoch'),
            ],
        ),
    ]
