# The indexes of the work queues: the category's carries the state too, so that the
# queues read in due order (which keep to the states in which a deadline can run) are
# answered from the index alone; on PostgreSQL all three include the case id (SQLite's
# indexes hold it anyway, and Django leaves ``include`` out there).

from django.db import migrations, models

QUEUE_FILTERS = ["category", "procedure", "urgency"]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_recategorise_extensions_answers"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_body_state_scope"),
        migrations.RemoveIndex(model_name="case", name="case_state_scope"),
        migrations.RemoveIndex(model_name="case", name="case_category_scope"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["responsible_body", "state", "scope_path", *QUEUE_FILTERS],
                include=("id",),
                name="case_body_state_scope",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["state", "scope_path", *QUEUE_FILTERS],
                include=("id",),
                name="case_state_scope",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["category", "scope_path", "procedure", "urgency", "state"],
                include=("id",),
                name="case_category_scope",
            ),
        ),
    ]
