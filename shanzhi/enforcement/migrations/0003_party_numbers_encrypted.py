"""The party's ID number (or credit code) and phone are kept encrypted: the new columns
are filled from the old ones, which are then dropped."""

from django.db import migrations, models

from shanzhi.core import crypto


def encrypt(apps, schema_editor):
    EnforcementCase = apps.get_model("enforcement", "EnforcementCase")
    for row in EnforcementCase.objects.exclude(party_id="", party_phone="").iterator():
        row.party_id_encrypted = crypto.encrypt(row.party_id.strip())
        row.party_phone_encrypted = crypto.encrypt(row.party_phone.strip())
        row.save(update_fields=["party_id_encrypted", "party_phone_encrypted"])


def decrypt(apps, schema_editor):
    EnforcementCase = apps.get_model("enforcement", "EnforcementCase")
    for row in EnforcementCase.objects.iterator():
        row.party_id = crypto.decrypt(row.party_id_encrypted)[:30]
        row.party_phone = crypto.decrypt(row.party_phone_encrypted)[:20]
        row.save(update_fields=["party_id", "party_phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0002_device_record_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="enforcementcase",
            name="party_id_encrypted",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="enforcementcase",
            name="party_phone_encrypted",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(model_name="enforcementcase", name="party_id"),
        migrations.RemoveField(model_name="enforcementcase", name="party_phone"),
    ]
