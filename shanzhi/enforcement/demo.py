"""Demo data of delegated enforcement in 东湖街道 (990101001): a few delegated matters,
two certified officers and one whose certificate has expired, a camera, and one case.
Every record is synthetic (合成数据/demo). ``seed_enforcement()`` may be called again: it
adds only what is missing."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.enforcement import access
from shanzhi.enforcement.actions import Clue, do_register_clue, do_take_step
from shanzhi.enforcement.models import DelegatedMatter, Device, EnforcementCase, Officer
from shanzhi.org.actions import do_save_membership
from shanzhi.org.models import Body, BodyKind, Membership, Region
from shanzhi.org.people import do_save_person

STREET_CODE = "990101001"
LABEL = "合成数据/demo"
DEMO_PASSWORD = "Shanzhi-demo-2026"  # noqa: S105 (the demo's shared password)

MATTERS = (
    {
        "power_code": "DEMO-ZF-0001",
        "name": "擅自占用城市道路、人行道从事经营活动（店外经营）",
        "legal_basis": "《城市道路管理条例》第二十七条、第四十二条",
        "penalty_kinds": ["warning", "fine"],
        "fine_min": Decimal("0"),
        "fine_max": Decimal("2000"),
        "on_the_spot": True,
        "scope": "街道辖区内的城市道路、人行道",
    },
    {
        "power_code": "DEMO-ZF-0002",
        "name": "未取得建设工程规划许可证进行建设（违法建设）",
        "legal_basis": "《中华人民共和国城乡规划法》第六十四条",
        "penalty_kinds": ["fine", "closure"],
        "fine_min": Decimal("1000"),
        "fine_max": Decimal("200000"),
        "on_the_spot": False,
        "scope": "街道辖区内的住宅小区和沿街建筑",
    },
    {
        "power_code": "DEMO-ZF-0003",
        "name": "擅自设置大型户外广告",
        "legal_basis": "《城市市容和环境卫生管理条例》第十一条、第三十六条",
        "penalty_kinds": ["warning", "fine"],
        "fine_min": Decimal("0"),
        "fine_max": Decimal("5000"),
        "on_the_spot": True,
        "scope": "街道辖区内的户外广告设施",
    },
)
OFFICERS = (
    ("zf-officer1", "执法证DEMO-001", 0),
    ("zf-officer2", "执法证DEMO-002", 0),
    ("zf-officer3", "执法证DEMO-003", -400),  # expired: kept to show the refusal
)


def _user(username: str, index: int) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        real_name=f"示范执法员{index}（{LABEL}）",
        phone=f"1990000{9100 + index:04d}",
    )
    user.password = make_password(DEMO_PASSWORD)
    return do_save_person(user, actor=None, note=LABEL)


@transaction.atomic
def seed_enforcement(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    street = Region.objects.get(code=STREET_CODE)
    department = Body.objects.get(name="区城市管理局", kind=BodyKind.DEPARTMENT)
    team = access.team_of(street)
    matters = []
    for spec in MATTERS:
        matter, created = DelegatedMatter.objects.get_or_create(
            power_code=spec["power_code"],
            defaults={
                **spec,
                "scope": f"{spec['scope']}（{LABEL}）",
                "department": department,
                "decision_number": "示范省政府令〔2024〕1号（合成数据）",
                "decision_date": date(2024, 7, 1),
            },
        )
        if created:
            matter.streets.set([street])
        matters.append(matter)
    officers = []
    for index, (username, number, days) in enumerate(OFFICERS, start=1):
        user = _user(username, index)
        if not Membership.objects.filter(user=user, body=team).exists():
            do_save_membership(
                Membership(user=user, role=Role.DEPARTMENT_HANDLER, body=team, title="执法队员"),
                actor=None,
                note=LABEL,
            )
        expires = today + timedelta(days=365 * 3 if days >= 0 else days)
        officer, created = Officer.objects.get_or_create(
            certificate_number=number,
            defaults={
                "user": user,
                "issued_by": f"示范省人民政府（{LABEL}）",
                "valid_from": min(today, expires) - timedelta(days=365 * 2),
                "expires_on": expires,
            },
        )
        if created:
            officer.streets.set([street])
        officers.append(officer)
    Device.objects.get_or_create(
        code="DEMO-CAM-001",
        defaults={
            "site": f"湖滨路与东湖路交叉口（{LABEL}）",
            "street": street,
            "legally_reviewed": True,
            "legal_review_on": today - timedelta(days=60),
            "legal_review_reference": f"东法审〔2026〕1号（{LABEL}）",
            "technically_reviewed": True,
            "technical_review_on": today - timedelta(days=55),
            "technical_review_reference": f"技术检测报告DEMO-01（{LABEL}）",
            "site_published": True,
            "site_published_on": today - timedelta(days=50),
            "site_published_reference": f"东湖街道公告〔2026〕3号（{LABEL}）",
        },
    )
    case = EnforcementCase.objects.filter(matter=matters[0]).first()
    if case is None:
        officer = officers[0].user
        case = do_register_clue(
            Clue(
                matter=matters[0],
                street=street,
                title=f"湖滨路店外经营（{LABEL}）",
                description=f"巡查发现某水果店在人行道摆放货架经营（{LABEL}）。",
                source="patrol",
                party_kind="individual",
                party_name="示范当事人",
                address="湖滨路",
            ),
            actor=officer,
            now=now,
        )
        dispatcher = User.objects.filter(username="dispatcher").first()
        if dispatcher is not None:
            do_take_step(case, "assign", actor=dispatcher, now=now, note=LABEL)
            do_take_step(
                case,
                "file",
                actor=officer,
                now=now,
                filing_standard=f"有违法事实，属本街道赋权事项，在追责时效内（{LABEL}）",
            )
    return {"matters": matters, "officers": officers, "case": case}
