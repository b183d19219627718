# The category index of the work queues carries the state too, so that the queues read
# in due order (which keep to the states in which a deadline can run) are answered from
# the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_recategorise_extensions_answers"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_category_scope",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["category", "scope_path", "procedure", "urgency", "state"],
                name="case_category_scope",
            ),
        ),
    ]
