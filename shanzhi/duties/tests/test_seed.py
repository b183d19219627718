"""The demonstration catalogue loads through the actions, once, and is consistent."""

import pytest

from shanzhi.core.models import AuditEvent
from shanzhi.duties import seed
from shanzhi.duties.models import (
    Article,
    DispatchRule,
    DutyItem,
    Law,
    MatterCategory,
    Owner,
    TimeLimit,
)
from shanzhi.duties.routing import department_owned

pytestmark = pytest.mark.django_db


MODELS = (Law, Article, MatterCategory, DutyItem, DispatchRule, TimeLimit)


def test_loads_once_and_versions_everything():
    # The session may already hold the catalogue (a conftest that loads it): then the
    # first call does nothing as well.
    seed.load_catalogue()
    counts = [Model.objects.count() for Model in MODELS]
    assert seed.load_catalogue() is False
    assert [Model.objects.count() for Model in MODELS] == counts
    for Model in MODELS:
        for obj in Model.objects.all():
            event = AuditEvent.objects.for_object(obj).order_by("seq").first()
            assert event is not None and event.note == seed.NOTE, obj
            assert event.action.endswith(".create")


def test_every_minor_class_is_routed_except_other_and_redirects():
    seed.load_catalogue()
    minors = MatterCategory.objects.filter(parent__isnull=False)
    unrouted = {c.code for c in minors if not DispatchRule.objects.filter(category=c).exists()}
    redirects = set(minors.exclude(redirect="").values_list("code", flat=True))
    assert unrouted == {"1001"} | redirects


def test_department_owned_matters_have_department_rules():
    seed.load_catalogue()
    for rule in DispatchRule.objects.select_related("category"):
        if department_owned(rule.category):
            assert rule.owner == Owner.DEPARTMENT, rule


def test_articles_cite_real_numbers_in_order():
    seed.load_catalogue()
    civil = Law.objects.get(short_name="民法典")
    assert list(civil.articles.values_list("number", flat=True)) == [
        "第二百零一条",
        "第二百零二条",
        "第二百零三条",
    ]
    assert seed.article_sort_key("第二百零一条") == 201
    assert seed.article_sort_key("第十条") == 10
    assert seed.article_sort_key("第一百一十八条") == 118
    # A document whose text was not checked is listed without invented excerpts.
    hotline = Law.objects.get(document_number="国办发〔2020〕53号")
    assert not hotline.articles.exists()
