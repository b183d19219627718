"""The demo district's petitions, disputes and early-warning data: a handful of each, in
every stage the pages show, written through the apps' own actions (``do_*``) so that
they are checked, audited and dated like real ones.

- Petitions (信访, ``shanzhi.petitions``): one from each channel — a phone call, a letter
  with its postmark, a fax, a group visit with its representatives, an online petition
  by the demo ``resident`` — of the three classes, registered by the district petition
  office (login ``petitions``): just registered; transferred and not yet accepted past
  its 15 days (the one overdue); accepted with a notice; extended once; answered with a
  written opinion (supported, explained, not supported); an accusation (检举控告) about a
  body, kept confidential; one answered and under review (复查); one separated to the
  judicial channel (诉访分离). Each step is dated in the past, after the one before it
  and within its statutory limit.
- Disputes (``shanzhi.disputes``): the people's mediation committee of 柳岸社区, three
  disputes (being mediated, agreed in writing, failed and referred to a court), three
  risk reports (信访信息预报, one of a possible group petition) and a screening campaign
  (矛盾纠纷排查) with its grid checklists, some filled.

Everything is synthetic: every subject and title ends with ``MARKER``; names come from
Faker's zh_CN lists; phone numbers are in the block 1990009xxxx (the online petition
carries the demo resident's own account number); ID numbers are issued under the
fictitious division 990101 (no province has code 99) with a valid check character and a
sequence number below 500 (the generated registry uses 500 and up); addresses and
courts are marked （虚构）. ``load_governance()`` does nothing for a part whose data is
already there.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from faker import Faker

from shanzhi.cases.models import Case
from shanzhi.core.models import User
from shanzhi.demo.seed import COMMUNITIES, DISTRICT_CODE, STREETS
from shanzhi.disputes.actions import agreements, mediation, risks, screening
from shanzhi.disputes.actions.committees import MemberInput, do_save_committee
from shanzhi.disputes.actions.mediation import PartyInput
from shanzhi.disputes.models import (
    Campaign,
    Committee,
    ItemResult,
    RiskReport,
)
from shanzhi.lib import idcard
from shanzhi.lib.workdays import SHANGHAI
from shanzhi.org.models import Body, BodyKind, Level, Region
from shanzhi.petitions import procedures
from shanzhi.petitions.actions import (
    Registration,
    do_register_petition,
    do_request_review,
    do_submit_online,
)
from shanzhi.petitions.identity import Person, Petitioner
from shanzhi.petitions.models import FileKind, Petition
from shanzhi.petitions.steps import do_take_step

MARKER = "（合成示例数据）"
DIVISION = "990101"  # the demo district; province 99 does not exist
COMMUNITY = COMMUNITIES[0][0]  # 柳岸社区, where the demo's grid worker and community work
HANDLING_BODY = "区城市管理局"  # the demo's department handler works there
COURT = "善治示范区人民法院（虚构）"
FAKER_SEED = 20261127


def _marked(text: str) -> str:
    return f"{text}{MARKER}"


class _Clock:
    """Instants counted back from ``now``, at a given local hour of that day: every
    step of the demo lies in the past, in office hours."""

    def __init__(self, now: datetime):
        self.now = now

    def ago(self, days: int, hour: int = 10, minute: int = 0) -> datetime:
        day = timezone.localtime(self.now, SHANGHAI).date() - timedelta(days=days)
        instant = datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)
        # Never later than now: a step "today" is dated a few minutes ago.
        return min(instant, self.now - timedelta(minutes=5))

    def day(self, days: int) -> date:
        """A local date ``days`` from today (negative: in the past)."""
        return timezone.localtime(self.now, SHANGHAI).date() + timedelta(days=days)


class _People:
    """Fictitious people: Faker's zh_CN names, phone numbers in the block 1990009xxxx and
    ID numbers of the division 990101, each different, so that no two demo petitioners
    are taken for the same person (重复信访 is found by ID number and phone)."""

    def __init__(self):
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(FAKER_SEED)
        self.numbers = itertools.count(101)
        self.sequences = itertools.count(101)
        self.names: set[str] = set()

    def name(self) -> str:
        while True:
            name = self.fake.name()
            if name not in self.names:
                self.names.add(name)
                return name

    def phone(self) -> str:
        return f"1990009{next(self.numbers):04d}"

    def id_number(self, born: date, *, male: bool) -> str:
        sequence = next(self.sequences)
        if sequence % 2 != male:  # the sequence number is odd for men
            sequence = next(self.sequences)
        first17 = f"{DIVISION}{born:%Y%m%d}{sequence:03d}"
        return first17 + idcard.check_char(first17)

    def address(self, building: int, unit: int, room: int) -> str:
        return f"善治示范区（虚构）{COMMUNITY}{building}号楼{unit}单元{room}室"


def _scan(name: str, lines: list[str]) -> SimpleUploadedFile:
    """A one-page PDF standing for a scanned letter or a received fax (ASCII text only:
    the standard fonts of PDF have no Chinese characters)."""
    text = "BT /F1 14 Tf 60 780 Td 18 TL " + " ".join(
        f"({line.replace('(', '[').replace(')', ']')}) '" for line in lines
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s ET\nendstream" % (len(text) + 3, text.encode("ascii")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return SimpleUploadedFile(name, bytes(out), content_type="application/pdf")


def _user(*usernames: str) -> User:
    """The first of ``usernames`` that exists (a district loaded before a login was
    added to the demo lacks it)."""
    for username in usernames:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
    raise User.DoesNotExist(f"None of the demo logins {usernames} exists.")


# --- Petitions ------------------------------------------------------------------------------


def petitions_loaded() -> bool:
    """The demo's petitions are loaded together: one of their titles is enough."""
    return Case.objects.filter(procedure=procedures.PETITION, title__endswith=MARKER).exists()


def _load_petitions(clock: _Clock, people: _People) -> dict:
    office = _user("petitions", "centre")
    handler = _user("department")
    leader = _user("leader")
    resident = _user("resident")
    department = Body.objects.get(name=HANDLING_BODY, region__code=DISTRICT_CODE)
    communities = {
        r.name: r
        for r in Region.objects.filter(level=Level.COMMUNITY, path__startswith=_district().path)
    }
    counts = {"petitions": 0, "reviews": 0}

    def register(ago, *, hour=10, **fields) -> Petition:
        received = clock.ago(ago, hour)
        petition = do_register_petition(
            Registration(received_at=received, **fields), actor=office, now=received
        )
        counts["petitions"] += 1
        return petition

    def step(petition, action, days, *, hour=10, actor=None, **extra):
        do_take_step(
            petition.case, action, actor=actor or office, now=clock.ago(days, hour), **extra
        )
        petition.case.refresh_from_db()

    def person(*, born: date, male: bool, building: int, with_id: bool = True) -> Petitioner:
        return Petitioner(
            name=people.name(),
            id_number=people.id_number(born, male=male) if with_id else "",
            phone=people.phone(),
            address=people.address(building, 1 + building % 3, 100 * (1 + building % 6) + 2),
        )

    # 1. A group visit: five residents, two of them representatives (Art. 20); accepted,
    # then the handling period extended once by 20 days with the leader's approval.
    visitor = person(born=date(1958, 6, 15), male=True, building=5)
    visitor.representatives = [
        Person(visitor.name, visitor.id_number),
        Person(people.name(), people.id_number(date(1961, 11, 2), male=False)),
    ]
    visitor.accompanying = [
        Person(people.name(), people.id_number(date(1970, 3, 8), male=True)),
        Person(people.name(), people.id_number(date(1975, 12, 30), male=False)),
        Person(people.name(), people.id_number(date(1988, 7, 19), male=True)),
    ]
    visit = register(
        72,
        hour=9,
        petition_class="claim",
        channel="visit",
        petitioner=visitor,
        subject=_marked("建筑工地夜间施工噪声扰民，要求停止夜间施工"),
        request="请求责令柳岸社区东侧建筑工地停止夜间施工，并公开夜间施工许可情况。",
        facts="工地连续数周施工至凌晨一点，附近三栋楼居民无法正常休息。",
        place=communities[COMMUNITY],
        visit_place="区信访局接待大厅",
        visit_record=(
            "五名居民来访，推选两名代表陈述。反映工地夜间施工噪声，出示手机录音和噪声软件"
            "截图。接谈人员告知办理程序和期限，来访人表示等待书面答复。（合成示例数据）"
        ),
    )
    step(visit, "dispatch", 71, body=department)
    step(visit, "accept", 68, actor=handler, delivery="in_writing")
    step(
        visit,
        "request_extension",
        12,
        actor=handler,
        extension=20,
        note="需委托第三方对夜间噪声连续监测两周，申请延期20日。",
    )
    step(visit, "extend", 11, hour=16, actor=leader, note="同意延期20日。")

    # 2. A letter answered "not supported", under review (复查) at the petitioner's
    # request, received by letter within the 30 days (Art. 35).
    denied = register(
        60,
        hour=9,
        petition_class="claim",
        channel="letter",
        petitioner=person(born=date(1969, 10, 5), male=True, building=15),
        subject=_marked("要求赔偿绿化改造中损毁的自种花木"),
        request="请求赔偿小区绿化改造施工中损毁的本人自种花木损失。",
        facts="本人在楼前公共绿地自种月季等花木多年，绿化改造时被施工单位清除。",
        place=communities[COMMUNITY],
        postmark_date=clock.day(-62),
        files=[(FileKind.LETTER, _scan("letter.pdf", ["Synthetic demo letter"]))],
    )
    step(denied, "dispatch", 59, body=department)
    step(denied, "accept", 55, actor=handler)
    step(
        denied,
        "reply",
        20,
        hour=15,
        actor=handler,
        outcome="not_supported",
        findings="楼前绿地为小区公共绿地，改造前已公示并通知住户移栽。",
        opinion="公共绿地不得私自种植，改造前已依法公示，赔偿请求不予支持。",
        basis="《信访工作条例》第三十二条；《城市绿化条例》",
    )
    requested = clock.ago(8, 11)
    do_request_review(
        denied,
        1,
        actor=office,
        reasons="信访人认为改造前未收到移栽通知，请求复查。",
        requested_at=requested,
        postmark=clock.day(-9),
        now=requested,
    )
    counts["reviews"] += 1

    # 3. A visit by one person (申诉求决): answered with an explanation, then closed.
    single = register(
        55,
        hour=10,
        petition_class="claim",
        channel="visit",
        petitioner=person(born=date(1972, 2, 14), male=False, building=9),
        subject=_marked("要求拆除小区门口新设的户外广告牌"),
        request="请求拆除梧桐社区小区门口新设的大型户外广告牌。",
        facts="广告牌遮挡住宅低层采光，夜间灯光刺眼。",
        place=communities[COMMUNITIES[0][1]],
        visit_place="区信访局接待大厅",
        visit_record="来访人反映小区门口广告牌问题，提供现场照片三张。（合成示例数据）",
    )
    step(single, "dispatch", 54, body=department)
    step(single, "accept", 50, actor=handler)
    step(
        single,
        "reply",
        30,
        hour=16,
        actor=handler,
        outcome="explained",
        findings="该广告牌已依法办理设置许可，亮度和开闭时间符合规定。",
        opinion="经核查，广告牌设置合法；已要求设置单位晚十时后关闭灯光，并向来访人说明。",
        basis="《信访工作条例》第三十二条；《城市市容和环境卫生管理条例》",
    )
    step(single, "close", 28)

    # 4. Online, by the demo resident from their account (Art. 21): answered, supported.
    submitted = clock.ago(40, 20)
    online = do_submit_online(
        Registration(
            petition_class="suggestion",
            channel="online",
            petitioner=Petitioner(
                name=resident.real_name or resident.username,
                phone=resident.phone,
                address=people.address(1, 1, 101),
            ),
            subject=_marked("建议在柳岸社区小游园增设老年人休息座椅"),
            request="建议在柳岸社区小游园步道旁增设休息座椅和遮阳设施。",
            facts="小游园是老年人晨练散步的主要场所，目前只有两张座椅。",
            place=communities[COMMUNITY],
        ),
        actor=resident,
        now=submitted,
    )
    counts["petitions"] += 1
    step(online, "dispatch", 39, body=department)
    step(online, "accept", 36, actor=handler)
    step(
        online,
        "reply",
        9,
        hour=15,
        actor=handler,
        outcome="supported",
        findings="经现场查看，小游园步道旁确需增设休息设施。",
        opinion="已列入本年度社区微更新计划，将增设休息座椅六张、遮阳棚一处，年底前完工。",
        basis="《信访工作条例》第三十二条",
    )

    # 5. A letter with its postmark, transferred (转送) 22 days ago: the body has not
    # accepted it within its 15 days (Art. 23) — the overdue one.
    letter = register(
        25,
        hour=9,
        petition_class="claim",
        channel="letter",
        petitioner=person(born=date(1965, 9, 3), male=False, building=7),
        subject=_marked("沿街商铺长期占道经营，要求依法查处"),
        request="请求依法查处梧桐路沿街商铺占用人行道经营的行为。",
        facts="商铺将货架和桌椅摆上人行道，行人只能走机动车道，老人儿童出行不安全。",
        place=communities[COMMUNITIES[0][1]],
        postmark_date=clock.day(-27),
        files=[
            (
                FileKind.LETTER,
                _scan("letter.pdf", ["Synthetic demo letter", "Not a real petition"]),
            ),
            (FileKind.ENVELOPE, _scan("envelope.pdf", ["Synthetic demo envelope"])),
        ],
    )
    step(letter, "dispatch", 22, body=department)

    # 6. A fax (建议意见), assigned (交办) and accepted with a written notice.
    fax = register(
        16,
        hour=14,
        petition_class="suggestion",
        channel="fax",
        petitioner=person(born=date(1982, 1, 20), male=True, building=12, with_id=False),
        subject=_marked("关于在文昌社区增设非机动车停放点的建议"),
        request="建议在文昌社区菜市场周边增设非机动车停放点并施划停放线。",
        facts="菜市场周边电动自行车乱停乱放，占用消防通道。",
        place=communities[COMMUNITIES[0][2]],
        fax_number="000-86000123",
        files=[(FileKind.FAX, _scan("fax.pdf", ["Synthetic demo fax", "Not a real petition"]))],
    )
    step(fax, "assign", 14, body=department, note="请于受理后30日内反馈办理结果。")
    step(fax, "accept", 10, actor=handler, delivery="in_writing")

    # 7. An accusation (检举控告) about a body, by letter: confidential from the start
    # (Arts. 30, 46), kept from everyone who works with the body accused, and sent to a
    # body that is not implicated.
    accused = Body.objects.get(
        kind=BodyKind.ENFORCEMENT_BRIGADE, region__name=STREETS[0], region__level=Level.STREET
    )
    accusation = register(
        9,
        hour=9,
        petition_class="accusation",
        channel="letter",
        petitioner=person(born=date(1980, 8, 8), male=True, building=21),
        subject=_marked("反映执法人员在检查中收受商户财物"),
        request="请求调查处理执法人员在沿街商铺检查中收受财物的行为。",
        facts="信访人称某执法人员多次在检查后收取商户购物卡，并提供了时间和地点。",
        accused=f"{accused.name}个别执法人员",
        accused_body=accused,
        postmark_date=clock.day(-11),
        files=[(FileKind.LETTER, _scan("letter.pdf", ["Synthetic demo letter", "Confidential"]))],
    )
    step(accusation, "dispatch", 8, body=department)
    step(accusation, "accept", 5, actor=handler)

    # 8. A matter of litigation rights: separated to the judicial channel (诉访分离, Art. 28).
    judicial = register(
        4,
        hour=10,
        petition_class="claim",
        channel="phone",
        petitioner=person(born=date(1975, 5, 21), male=False, building=18, with_id=False),
        subject=_marked("不服民事判决，要求重新审理房屋租赁纠纷"),
        request="请求重新审理本人与承租人之间的房屋租赁合同纠纷。",
        facts="一审判决已送达，信访人认为判决认定事实错误。",
        place=communities[COMMUNITIES[0][3]],
    )
    step(
        judicial,
        "separate",
        3,
        note="属于诉讼权利救济事项，告知信访人依法上诉或申请再审。",
        channel=f"{COURT}立案庭",
    )
    # 9. Just registered by telephone (申诉求决); the 15 days to transfer it are running.
    register(
        2,
        hour=15,
        petition_class="claim",
        channel="phone",
        petitioner=person(born=date(1978, 4, 12), male=True, building=3, with_id=False),
        subject=_marked("小区地下车库长期积水，要求物业排水修缮"),
        request="请求督促物业公司排除地下车库积水并修复排水设施。",
        facts="入秋以来地下车库多处积水，深处没过脚踝，多次向物业反映未果。",
        place=communities[COMMUNITY],
    )

    return counts


# --- Disputes and early warning ----------------------------------------------------------


def _district() -> Region:
    return Region.objects.get(code=DISTRICT_CODE)


def _community() -> Region:
    return Region.objects.get(
        level=Level.COMMUNITY, name=COMMUNITY, path__startswith=_district().path
    )


def _grids(community: Region) -> list[Region]:
    return list(
        Region.objects.active().grids().filter(path__startswith=community.path).order_by("code")
    )


def _committee(community: Region, clock: _Clock, people: _People) -> tuple[Committee, bool]:
    """The community's mediation committee: the one it has, or one set up now."""
    body = Body.objects.get(region=community, kind=BodyKind.RESIDENTS_COMMITTEE)
    existing = Committee.objects.active().filter(body=body).first()
    if existing is not None:
        return existing, False
    start = clock.day(-400)
    members = [
        MemberInput(name=people.name(), role="chair", sex="F"),
        MemberInput(name=people.name(), role="vice_chair", sex="M"),
        MemberInput(name=people.name(), role="member", sex="F"),
        MemberInput(name=people.name(), role="member", sex="M"),
        MemberInput(name=people.name(), role="member", sex="M"),
        MemberInput(name=people.name(), role="appointed", sex="F"),
    ]
    committee = do_save_committee(
        actor=_user("community"),
        body=body,
        name=f"{community.name}人民调解委员会",
        members=members,
        term_start=start,
        term_end=start.replace(year=start.year + 3) - timedelta(days=1),
    )
    return committee, True


def disputes_loaded() -> bool:
    return Case.objects.filter(procedure="mediation", title__endswith=MARKER).exists()


def _load_disputes(clock: _Clock, people: _People) -> dict:
    staff = _user("community")
    community = _community()
    grids = _grids(community)
    committee, created = _committee(community, clock, people)
    members = list(committee.members.filter(is_active=True).order_by("pk"))

    def mediators(first: int) -> list:
        """Two serving members, the first of them leading."""
        chosen = [members[first % len(members)], members[(first + 1) % len(members)]]
        return list(dict.fromkeys(chosen))

    counts = {"committees": int(created), "disputes": 0, "sessions": 0, "agreements": 0}

    def party(building: int, room: int) -> PartyInput:
        return PartyInput(
            name=people.name(), phone=people.phone(), address=people.address(building, 1, room)
        )

    def register(days, grid, **facts):
        dispute = mediation.do_register_dispute(
            actor=staff, grid=grid, now=clock.ago(days, 9), **facts
        )
        counts["disputes"] += 1
        return dispute

    def take_up(dispute, days, chosen):
        mediation.do_accept_dispute(
            dispute,
            actor=staff,
            committee=committee,
            mediators=chosen,
            lead=chosen[0],
            note="双方同意调解。",
            now=clock.ago(days, 10),
        )
        dispute.case.refresh_from_db()

    def session(dispute, days, notes):
        held = clock.ago(days, 14, 30)
        mediation.do_record_session(
            dispute,
            actor=staff,
            held_at=held,
            place=f"{community.name}人民调解室",
            attendees="双方当事人、调解员",
            notes=notes,
            now=held + timedelta(hours=2),
        )
        counts["sessions"] += 1

    # Being mediated, one session held.
    leak = register(
        6,
        grids[0],
        title=_marked("楼上装修漏水引发邻里赔偿纠纷"),
        description="楼上住户装修后卫生间渗水，楼下天花板霉变，双方就修复和赔偿协商不成。",
        category="neighbours",
        scale="ordinary",
        people_involved=2,
        parties=[party(2, 301), party(2, 401)],
    )
    take_up(leak, 5, mediators(0))
    session(leak, 3, "双方陈述意见，约定由物业出具渗水原因说明后再次调解。")

    # Agreed in writing: the window for judicial confirmation (Art. 33) is open.
    parking = register(
        20,
        grids[1],
        title=_marked("共用车位使用权纠纷"),
        description="两户业主对地面共用车位的使用时段发生争执，多次发生口角。",
        category="property_management",
        scale="ordinary",
        people_involved=3,
        parties=[party(6, 102), party(6, 202)],
    )
    take_up(parking, 19, mediators(2))
    session(parking, 16, "调解员释明车位属全体业主共有，双方同意按时段轮流使用。")
    agreements.do_write_agreement(
        parking,
        actor=staff,
        kind="written",
        facts="双方对六号楼前地面车位的使用时段存在争议。",
        terms="工作日夜间由一方使用，周末由另一方使用；双方互不占用对方时段。",
        performance="自签订之日起履行，物业协助监督。",
    )
    signed = clock.ago(14, 15)
    agreements.do_conclude_agreement(
        parking, actor=staff, at=signed, now=signed + timedelta(hours=1)
    )
    counts["agreements"] += 1

    # Failed: ended without agreement, the parties told to go to court (Art. 26).
    fee = register(
        30,
        grids[2],
        title=_marked("物业费欠缴与服务质量纠纷"),
        description="业主以电梯频繁故障为由拒交物业费，物业公司要求补缴并支付违约金。",
        category="property_management",
        scale="ordinary",
        people_involved=2,
        parties=[
            party(11, 502),
            PartyInput(
                name="柳岸物业服务有限公司（虚构）",
                kind="organisation",
                phone=people.phone(),
                address=people.address(1, 1, 1),
            ),
        ],
    )
    take_up(fee, 29, mediators(4))
    session(fee, 25, "双方对违约金数额分歧较大，未能达成一致。")
    mediation.do_end_mediation(
        fee,
        actor=staff,
        reason="双方对违约金数额分歧较大，物业公司表示将向法院起诉。",
        remedy="litigation",
        remedy_detail=COURT,
        now=clock.ago(12, 16),
    )
    return counts


def risks_loaded() -> bool:
    return RiskReport.objects.filter(title__endswith=MARKER).exists()


def _load_risks(clock: _Clock) -> dict:
    grids = _grids(_community())
    worker = _user("gridworker")
    reports = [
        dict(
            grid=grids[0],
            level="low",
            category="neighbours",
            title=_marked("两户居民因楼道堆物发生口角"),
            description="一楼住户在楼道堆放杂物，邻居多次劝说未果，双方发生口角。",
            people_count=2,
            now=clock.ago(4, 11),
        ),
        dict(
            grid=grids[0],
            level="medium",
            category="property_management",
            title=_marked("业主对物业续聘意见分歧较大"),
            description="物业服务合同年底到期，部分业主张贴意见书反对续聘，另一部分业主支持。",
            people_count=40,
            now=clock.ago(7, 16),
        ),
        dict(
            grid=grids[0],
            level="high",
            category="labour",
            title=_marked("装修公司拖欠工人工资，工人称将集体上访"),
            description="辖区一装修公司拖欠二十余名工人三个月工资，工人在工地聚集，称将集体到区里反映。",
            people_count=23,
            group_petition=True,
            expected_on=clock.day(5),
            now=clock.ago(3, 11),
        ),
    ]
    made = [risks.do_report_risk(actor=worker, **report) for report in reports]
    risks.do_close_risk_report(
        made[0],
        actor=_user("community"),
        note="社区网格员上门协调，堆放物已清理，双方和解。",
        now=clock.ago(2, 10),
    )
    return {"risk_reports": len(made)}


def screening_loaded() -> bool:
    return Campaign.objects.filter(title__endswith=MARKER).exists()


def _load_screening(clock: _Clock) -> dict:
    community = _community()
    campaign = screening.do_start_campaign(
        actor=_user("community"),
        area=community,
        title=_marked(f"{community.name}年末矛盾纠纷集中排查"),
        due=clock.day(10),
        items=[
            "邻里纠纷（噪声、漏水、楼道堆物）",
            "物业服务与业主矛盾",
            "拖欠工资与劳动争议",
            "婚姻家庭矛盾",
            "可能引发集体上访的苗头",
        ],
        instructions="请逐户走访，发现苗头及时上报；无异常的请勾选“未发现”。",
        now=clock.ago(5, 9),
    )
    checklists = list(campaign.checklists.select_related("grid").order_by("grid__code"))
    filled = 0
    for n, checklist in enumerate(checklists[:2]):
        workers = list(checklist.workers.all())
        worker = next((w for w in workers if w.username == "gridworker"), None) or workers[0]
        items = list(checklist.items.filter(extra=False).order_by("position"))
        results = {item.pk: (ItemResult.NOTHING, "") for item in items}
        if n == 0:
            results[items[2].pk] = (
                ItemResult.FOUND,
                "网格内装修工地有工人反映被拖欠工资，已另行报告风险。",
            )
        screening.do_submit_checklist(
            checklist,
            actor=worker,
            results=results,
            note="已走访网格内全部楼栋。",
            now=clock.ago(3 - n, 16),
        )
        filled += 1
    return {"campaigns": 1, "checklists": len(checklists), "checklists_filled": filled}


# --- Loading ---------------------------------------------------------------------------------


def load_governance(now=None) -> dict:
    """Add the demo's petitions, disputes, risk reports and screening campaign; return
    how many of each were created (nothing for a part already loaded)."""
    now = now or timezone.now()
    clock = _Clock(now)
    people = _People()
    counts: dict[str, int] = {}
    # Texts the actions write themselves (notes, documents) in the deployment's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        if not petitions_loaded():
            counts.update(_load_petitions(clock, people))
        if not disputes_loaded():
            counts.update(_load_disputes(clock, people))
        if not risks_loaded():
            counts.update(_load_risks(clock))
        if not screening_loaded():
            counts.update(_load_screening(clock))
    return counts
