"""The admin screens of the duty lists write through the audited actions, always ask for
a reason, let auditors read and only district administrators write, and never delete."""

import pytest
from django.urls import reverse
from django.utils import translation

from shanzhi.core.models import AuditEvent
from shanzhi.duties import seed
from shanzhi.duties.models import Article, DispatchRule, Law, MatterCategory
from shanzhi.org.models import Body

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    seed.load_catalogue()


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def category_form(**overrides):
    data = {
        "code": "0699",
        "name": "井盖缺失",
        "parent": MatterCategory.objects.get(code="06").pk,
        "kind": "event",
        "hint": "井盖丢失或破损",
        "redirect": "",
        "emergency_number": "",
        "is_active": "on",
        "change_note": "新增类别",
    }
    data.update(overrides)
    return data


def test_administrator_adds_a_category_with_its_reason(catalogue, client_as, persona):
    client = client_as("admin")
    response = client.post(reverse("admin:duties_mattercategory_add"), category_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    created = MatterCategory.objects.get(code="0699")
    event = AuditEvent.objects.for_object(created).get()
    assert event.action == "duties.category.create"
    assert event.note == "新增类别" and event.actor == persona("admin")


def test_a_reason_is_required_even_for_new_items(catalogue, client_as):
    client = client_as("admin")
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("admin:duties_mattercategory_add"), category_form(change_note="")
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not MatterCategory.objects.filter(code="0699").exists()
    assert AuditEvent.objects.count() == before


def test_model_rules_show_as_form_errors(catalogue, client_as):
    client = client_as("admin")
    minor = MatterCategory.objects.get(code="0601")
    response = client.post(
        reverse("admin:duties_mattercategory_add"), category_form(parent=minor.pk)
    )
    assert response.status_code == 200
    assert not MatterCategory.objects.filter(code="0699").exists()


def test_auditor_reads_but_cannot_add_change_or_delete(catalogue, client_as):
    client = client_as("auditor")
    assert client.get(reverse("admin:duties_dispatchrule_changelist")).status_code == 200
    rule = DispatchRule.objects.first()
    assert (
        client.get(reverse("admin:duties_dispatchrule_change", args=[rule.pk])).status_code == 200
    )
    assert client.get(reverse("admin:duties_dispatchrule_add")).status_code == 403
    response = client.post(reverse("admin:duties_mattercategory_add"), category_form())
    assert response.status_code == 403
    assert not MatterCategory.objects.filter(code="0699").exists()


def test_nobody_deletes_catalogue_items(catalogue, client_as):
    client = client_as("admin")
    category = MatterCategory.objects.get(code="0601")
    url = reverse("admin:duties_mattercategory_delete", args=[category.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert MatterCategory.objects.filter(pk=category.pk).exists()


def test_community_staff_get_no_admin_screens(catalogue, client_as):
    client = client_as("community")
    response = client.get(reverse("admin:duties_dispatchrule_changelist"))
    assert response.status_code in (302, 403)


def test_dispatch_rule_with_assisting_bodies_is_saved_by_the_action(catalogue, client_as):
    client = client_as("admin")
    category = MatterCategory.objects.get(code="1001")
    city, police = Body.objects.get(name="区城市管理局"), Body.objects.get(name="区公安分局")
    data = {
        "category": category.pk,
        "area": "",
        "owner": "department",
        "lead_kind": "department",
        "lead_body": city.pk,
        "assisting": [police.pk],
        "is_active": "on",
        "change_note": "其他事件统一由城管受理",
    }
    response = client.post(reverse("admin:duties_dispatchrule_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = DispatchRule.objects.get(category=category)
    assert list(rule.assisting.all()) == [police]
    event = AuditEvent.objects.for_object(rule).get()
    assert event.after["assisting"] == [police.pk] and event.note == "其他事件统一由城管受理"


def test_the_lead_body_cannot_assist_itself(catalogue, client_as):
    client = client_as("admin")
    city = Body.objects.get(name="区城市管理局")
    data = {
        "category": MatterCategory.objects.get(code="1001").pk,
        "area": "",
        "owner": "department",
        "lead_kind": "department",
        "lead_body": city.pk,
        "assisting": [city.pk],
        "is_active": "on",
        "change_note": "错误",
    }
    response = client.post(reverse("admin:duties_dispatchrule_add"), data)
    assert response.status_code == 200
    assert "cannot also assist" in response.content.decode()
    assert not DispatchRule.objects.filter(category__code="1001").exists()


def test_law_with_an_article_inline(catalogue, client_as):
    client = client_as("admin")
    data = {
        "name": "示范区测试规定",
        "short_name": "测试规定",
        "level": "normative",
        "issuer": "示范区人民政府",
        "document_number": "",
        "effective_date": "",
        "url": "",
        "is_active": "on",
        "change_note": "收录",
        "articles-TOTAL_FORMS": "1",
        "articles-INITIAL_FORMS": "0",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "articles-0-number": "第一条",
        "articles-0-text": "",
        "articles-0-sort": "1",
    }
    response = client.post(reverse("admin:duties_law_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    law = Law.objects.get(short_name="测试规定")
    article = Article.objects.get(law=law)
    assert AuditEvent.objects.for_object(article).get().note == "收录"
    assert AuditEvent.objects.for_object(law).get().action == "duties.law.create"
