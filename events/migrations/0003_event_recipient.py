from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_type_id_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="recipient",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
    ]
