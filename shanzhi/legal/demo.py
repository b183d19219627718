"""Demo data of legal review (synthetic, 示范数据·虚构): the demo legal adviser of 东湖街道
with a qualification record, and one normative document of its street office under
review. ``seed_legal()`` may run any number of times."""

from datetime import date

from django.db import transaction

from shanzhi.core.models import User
from shanzhi.legal.actions import do_assign_review, do_request_review
from shanzhi.legal.gate import current_draft
from shanzhi.legal.instruments import do_create_instrument
from shanzhi.legal.models import Instrument, Reviewer
from shanzhi.org.models import Body, BodyKind

STREET = "990101001"  # 东湖街道
TITLE = "东湖街道共享单车停放管理办法（示范数据，虚构）"
TEXT = """（示范数据，虚构）
第一条 为规范本街道辖区共享单车停放秩序，根据有关法律法规，结合本街道实际，制定本办法。
第二条 本办法适用于东湖街道辖区内道路、广场及其他公共场所的共享单车停放管理。
第三条 共享单车应当在施划的停放区域内有序停放，不得占用盲道、消防通道。
第四条 街道办事处会同运营企业开展日常巡查，对违规停放的车辆予以劝导、规整。
第五条 本办法自发布之日起施行。"""


def seed_legal() -> Instrument | None:
    adviser = User.objects.filter(username="legal").first()
    drafter = User.objects.filter(username="streetstaff").first()
    leader = User.objects.filter(username="leader").first()
    office = Body.objects.filter(region__code=STREET, kind=BodyKind.STREET_OFFICE).first()
    if not (adviser and drafter and leader and office):
        return None  # the demo district is not loaded
    with transaction.atomic():
        Reviewer.objects.get_or_create(
            user=adviser,
            defaults={
                "certificate_number": "DEMO-A20191101000001",
                "qualified_on": date(2019, 3, 1),
            },
        )
        instrument = Instrument.objects.filter(title=TITLE).first()
        if instrument is not None:
            return instrument
        instrument = do_create_instrument(
            kind="normative_document", title=TITLE, body=office, text=TEXT, actor=drafter
        )
        request = do_request_review(
            current_draft(instrument=instrument),
            actor=drafter,
            reason="规范性文件发布前合法性审核（示范数据，虚构）",
        )
        do_assign_review(request, reviewer=adviser, actor=leader)
    return instrument
