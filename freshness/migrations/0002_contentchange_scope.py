from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('freshness', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='contentchange',
            name='scope',
            field=models.CharField(default='', help_text='The app whose tables were written: organizations or articles.', max_length=50, verbose_name='scope'),
        ),
    ]
