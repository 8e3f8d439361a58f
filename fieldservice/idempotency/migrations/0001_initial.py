# The record moved here from accounts (accounts.0004 drops it from that app's
# state). No data moves: the table is renamed to this app's name.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0003_customer_time_zone'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='IdempotencyRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255, verbose_name='key')),
                        ('fingerprint', models.CharField(help_text='SHA-256 of method, path and body: the same key with another body is refused.', max_length=64, verbose_name='request fingerprint')),
                        ('status_code', models.PositiveSmallIntegerField(verbose_name='status code')),
                        ('body', models.JSONField(null=True, verbose_name='response body')),
                        ('headers', models.JSONField(default=dict, verbose_name='response headers')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='created at')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'idempotency record',
                        'verbose_name_plural': 'idempotency records',
                        'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='idempotency_key_unique_per_user')],
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "accounts_idempotencyrecord" RENAME TO "idempotency_idempotencyrecord"',
                    reverse_sql='ALTER TABLE "idempotency_idempotencyrecord" RENAME TO "accounts_idempotencyrecord"',
                ),
            ],
        ),
    ]
