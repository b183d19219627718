from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_import_jobs")]

    operations = []
