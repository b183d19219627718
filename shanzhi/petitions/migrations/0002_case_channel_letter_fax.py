"""Petitions received by letter or fax, and their reviews, take the engine's letter and
fax channels (cases 0010) instead of the nearest ones they were registered with."""

from django.db import migrations


def forward(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Review = apps.get_model("petitions", "Review")
    Case = apps.get_model("cases", "Case")
    for channel in ("letter", "fax"):
        chain = set(Petition.objects.filter(channel=channel).values_list("case_id", flat=True))
        frontier = chain
        while frontier:
            frontier = (
                set(
                    Review.objects.filter(review_of_id__in=frontier).values_list(
                        "case_id", flat=True
                    )
                )
                - chain
            )
            chain |= frontier
        Case.objects.filter(pk__in=chain).update(channel=channel)


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(channel="letter").update(channel="visit")
    Case.objects.filter(channel="fax").update(channel="phone")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_channel_letter_fax"),
        ("petitions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
