# Indexes a campaign slice writes thousands of rows into, made leaner (bench/campaigns.py):
# the customer's own index is the first column of message_customer_time; a row has no provider id
# until it is sent; and the idempotency key compares bytewise (COLLATE "C": a key is an ASCII
# token, never sorted for people), which also serves LIKE 'prefix%' from the unique index, so
# its varchar_pattern_ops twin goes. PostgreSQL only; an AlterField of the key later must keep it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.db import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0012_template_alimtalk_buttons"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="messages",
                to=settings.AUTH_USER_MODEL,
                verbose_name="손님",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="provider_message_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("provider_message_id", ""), _negated=True),
                fields=["provider_message_id"],
                name="message_provider_id",
            ),
        ),
        PostgresOnlySQL(
            sql=[
                'ALTER TABLE messaging_message ALTER COLUMN idempotency_key TYPE varchar(200) COLLATE "C"',
                "DROP INDEX IF EXISTS messaging_message_idempotency_key_0ee4d6bf_like",
            ],
            reverse_sql=[
                "CREATE INDEX IF NOT EXISTS messaging_message_idempotency_key_0ee4d6bf_like"
                " ON messaging_message (idempotency_key varchar_pattern_ops)",
                'ALTER TABLE messaging_message ALTER COLUMN idempotency_key TYPE varchar(200) COLLATE "default"',
            ],
        ),
    ]
