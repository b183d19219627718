# Indexes for duplicate detection (cases/duplicates.py): the recent cases of the grids
# near a point and of a category class, each with every column that the search filters on
# (the user's visibility included), so that the candidates are chosen from the index alone
# and rows are read for those only; and a caller's earlier cases by phone number.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_accused_body"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=[
                    "grid",
                    "category",
                    "created",
                    "state",
                    "lat",
                    "lon",
                    "street",
                    "scope_path",
                    "responsible_body",
                ],
                name="case_similar_grid",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=[
                    "category",
                    "created",
                    "state",
                    "street",
                    "grid",
                    "scope_path",
                    "responsible_body",
                ],
                name="case_similar_category",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["requester_phone", "created"], name="case_requester_phone"),
        ),
    ]
