"""A mediation's steps are taken on the dispute's page only (``Procedure.owner``): the
generic case page and step endpoint cannot end a mediation without its record."""

import pytest
from django.urls import reverse

from shanzhi.cases.models import Case

pytestmark = pytest.mark.django_db


def test_the_generic_endpoint_cannot_decline_a_mediation(register, client_as, english):
    dispute = register()
    number = dispute.case.number
    client = client_as("community")
    page = client.get(reverse("case_detail", args=[number])).content.decode()
    assert reverse("disputes:dispute", args=[number]) in page
    assert "data-action=" not in page
    response = client.post(
        reverse("case_act", args=[number, "decline_mediation"]),
        {"note": "不受理"},
        follow=True,
    )
    assert "handled on their own pages" in response.content.decode()
    assert Case.objects.get(pk=dispute.case.pk).state == "applied"
