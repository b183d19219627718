"""The public pages (公示): readable by anyone, in both languages, never writable."""

import pytest
from django.urls import reverse
from django.utils import translation

from shanzhi.duties import actions, seed, statutory
from shanzhi.duties.models import DispatchRule, Law, MatterCategory, Unit
from shanzhi.org.models import Body

pytestmark = pytest.mark.django_db

PAGES = [
    ("duties:index", 'href="/duties/catalogue/"'),
    ("duties:catalogue", "占道经营"),
    ("duties:power_list", "区市场监督管理局"),
    ("duties:street_duties", "食品安全监督检查"),
    ("duties:dispatch", "区公安分局"),
    ("duties:time_limits", "示范区接诉即办时限规定（虚构示例）"),
    ("duties:laws", "开始的当日不计入，自下一日开始计算"),
]


@pytest.fixture
def catalogue(db):
    seed.load_catalogue()


@pytest.mark.parametrize(("name", "expected"), PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_render_in_both_languages(catalogue, client, name, expected, language):
    client.cookies["django_language"] = language
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html
    if language == "en":
        assert "Duty lists" in html  # the section navigation is in English


@pytest.mark.parametrize(("name", "_expected"), PAGES)
def test_public_pages_refuse_writes(catalogue, client, name, _expected):
    assert client.post(reverse(name)).status_code == 405


def test_pages_render_before_anything_is_published(client):
    for name, _expected in PAGES:
        assert client.get(reverse(name)).status_code == 200


def test_catalogue_shows_hints_and_redirect_channels(catalogue, client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("duties:catalogue")).content.decode()
    assert "在道路、人行道上摆摊设点或店外经营" in html
    assert "Call 119" in html
    assert "Petition (信访) procedure" in html


def test_dispatch_page_names_the_lead_body_or_the_kind(catalogue, client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("duties:dispatch")).content.decode()
    assert "The Comprehensive enforcement brigade serving the place of the matter" in html
    assert "南桥街道" in html  # the area rule of the undelegated street


def test_time_limit_page_lists_statutory_ceilings(catalogue, client):
    with statutory.registered_limit(
        "service_request", "reply", 15, Unit.CALENDAR_DAYS, "《测试条例》第一条"
    ):
        html = client.get(reverse("duties:time_limits")).content.decode()
    assert "《测试条例》第一条" in html


def test_history_shows_editor_time_reason_and_changes(catalogue, client, persona):
    rule = DispatchRule.objects.get(category__code="0605", area__isnull=True)
    police = Body.objects.get(name="区公安分局")
    actions.do_save_dispatch_rule(
        rule,
        assisting=[*rule.assisting.all(), police],
        actor=persona("admin"),
        note="夜间油烟扰民需公安配合",
    )
    client.cookies["django_language"] = "en"
    response = client.get(reverse("duties:history", args=["rule", rule.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "夜间油烟扰民需公安配合" in html
    assert persona("admin").display_name in html
    assert "示范配置（虚构）" in html and "System" in html  # the creation, by the loader
    assert "Dispatch rule changed" in html
    assert "assisting bodies" in html.lower() and "区公安分局" in html


def test_history_of_each_kind_of_item(catalogue, client):
    law = Law.objects.get(short_name="民法典")
    category = MatterCategory.objects.get(code="0901")
    for kind, obj in [("law", law), ("article", law.articles.first()), ("category", category)]:
        response = client.get(reverse("duties:history", args=[kind, obj.pk]))
        assert response.status_code == 200
        assert "示范配置（虚构）" in response.content.decode()


def test_history_of_unknown_things_is_not_found(catalogue, client):
    assert client.get(reverse("duties:history", args=["user", 1])).status_code == 404
    assert client.get(reverse("duties:history", args=["law", 999999])).status_code == 404


def test_history_labels_follow_the_language(catalogue, client):
    category = MatterCategory.objects.get(code="0901")
    with translation.override("en"):
        url = reverse("duties:history", args=["category", category.pk])
    client.cookies["django_language"] = "en"
    assert "Matter category added" in client.get(url).content.decode()
