# API keys moved here from the api app (api 0001 created their tables): state only, same tables.

import django.db.models.deletion
import django.utils.timezone
import functools
import core.ids
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('api', '0001_initial'),
        ('tenants', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.CharField(default=functools.partial(core.ids.new_id, *('key',), **{}), max_length=40, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=100)),
                        ('mode', models.CharField(choices=[('live', 'Live'), ('test', 'Test (sandbox)')], max_length=4)),
                        ('scopes', models.JSONField(default=list, help_text='"all", or "<family>:read|write" entries.')),
                        ('display_prefix', models.CharField(max_length=20)),
                        ('last_four', models.CharField(max_length=4)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('tenant', models.ForeignKey(help_text='The live tenant; test keys act on its sandbox twin.', limit_choices_to={'mode': 'live'}, on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='tenants.tenant')),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'db_table': 'api_apikey',
                    },
                ),
                migrations.CreateModel(
                    name='ApiKeySecret',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('secret_hash', models.CharField(max_length=64, unique=True)),
                        ('display_prefix', models.CharField(max_length=20)),
                        ('last_four', models.CharField(max_length=4)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('api_key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='secrets', to='apikeys.apikey')),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'db_table': 'api_apikeysecret',
                    },
                ),
                migrations.AddIndex(
                    model_name='apikey',
                    index=models.Index(fields=['tenant', 'mode'], name='api_apikey_tenant__855385_idx'),
                ),
            ],
        ),
    ]
