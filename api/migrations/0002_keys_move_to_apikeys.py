# API keys moved to the apikeys app (apikeys 0001 takes over the same tables).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("apikeys", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ApiKeySecret"),
                migrations.DeleteModel(name="ApiKey"),
            ],
        ),
    ]
