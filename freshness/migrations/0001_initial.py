"""The content generation's models, taken over from the `articles` app with their tables."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0006_content_generation_to_freshness'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContentChange',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('at', models.DateTimeField(verbose_name='at')),
                        ('weight', models.BigIntegerField(default=1, verbose_name='weight')),
                    ],
                    options={
                        'verbose_name': 'content change',
                        'verbose_name_plural': 'content changes',
                    },
                ),
                migrations.CreateModel(
                    name='ContentEpoch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('epoch', models.CharField(max_length=32, verbose_name='epoch')),
                    ],
                    options={
                        'verbose_name': 'content epoch',
                        'verbose_name_plural': 'content epochs',
                    },
                ),
            ],
        ),
    ]
