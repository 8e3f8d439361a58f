# IdempotencyRecord now belongs to fieldservice.idempotency, which took over its
# table (renamed there). Only this app's state changes here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_customer_time_zone'),
        ('idempotency', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='IdempotencyRecord')],
            database_operations=[],
        ),
    ]
