"""The demo district: a fictional 示范区 with streets, communities, grids, bodies and one
login per role. Every name, number and boundary here is synthetic.

The demo is written through the same ``do_*`` actions as real data, so it is validated
and audited like real data. It is loaded once: a second run finds the district and stops.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.demo.synth import synthetic_district
from shanzhi.lib import geo
from shanzhi.org.actions import do_save_body, do_save_membership, do_save_region
from shanzhi.org.models import (
    Body,
    BodyKind,
    GridLayer,
    LayerKind,
    Level,
    Membership,
    Region,
)
from shanzhi.org.people import do_save_person

DISTRICT_CODE = "990101"  # no province has code 99: cannot be mistaken for a real place
DISTRICT_NAME = "善治示范区（虚构）"
DEMO_PASSWORD = "Shanzhi-demo-2026"  # noqa: S105 (demo mode only; printed on purpose)
STREETS = ["东湖街道", "西岭街道", "南桥街道"]
COMMUNITIES = [
    ["柳岸社区", "梧桐社区", "文昌社区", "清泉社区"],
    ["松风社区", "枫林社区", "白鹭社区", "云锦社区"],
    ["石桥社区", "荷塘社区", "新桥社区", "明月社区"],
]
GRIDS_PER_COMMUNITY = 5
DEPARTMENTS = [
    ("区城市管理局", "市容环境、街面秩序、户外广告、违法建设查处"),
    ("区市场监督管理局", "市场主体登记、食品安全、价格与计量监管"),
    ("区生态环境分局", "大气、水、噪声污染防治与执法"),
    ("区住房和城乡建设局", "房屋安全、物业管理、建筑施工监管"),
    ("区应急管理局", "安全生产、防灾减灾、应急救援"),
    ("区人力资源和社会保障局", "就业服务、社会保险、劳动保障监察"),
    ("区民政局", "社会救助、养老服务、社会组织、基层政权建设"),
    ("区卫生健康委员会", "公共卫生、医疗服务、健康促进"),
    ("区司法局", "人民调解、法律援助、法治宣传、公共法律服务"),
    ("区公安分局", "治安管理、户籍、道路交通"),
    ("区信访局", "信访事项登记、交办、督办"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    where: str


def _phone(n: int) -> str:
    """Landline numbers with the unassigned area code 000: visibly not real."""
    return f"000-8{n:07d}"


def _mobile(n: int) -> str:
    """Mobile numbers in the block 1990000xxxx: synthetic, but not guaranteed unassigned."""
    return f"1990000{n:04d}"


def is_loaded() -> bool:
    return Region.objects.filter(code=DISTRICT_CODE).exists()


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    """Create the demo district; return the demo logins. Does nothing if it exists."""
    if is_loaded():
        return demo_logins()
    fake = Faker("zh_CN")
    fake.seed_instance(2026)
    counter = iter(range(1, 100000))
    save = {"actor": None, "note": "示范数据（虚构）"}

    synth = synthetic_district(
        streets=len(STREETS),
        communities_per_street=len(COMMUNITIES[0]),
        grids_per_community=GRIDS_PER_COMMUNITY,
        grid_size_m=420.0,
        district_code=DISTRICT_CODE,
    )
    district = do_save_region(
        Region(level=Level.DISTRICT, code=synth.code, name=DISTRICT_NAME, geometry=synth.polygon),
        **save,
    )
    departments = {}
    for name, duties in DEPARTMENTS:
        departments[name] = do_save_body(
            Body(
                kind=BodyKind.DEPARTMENT,
                name=name,
                region=district,
                duties=duties,
                phone=_phone(next(counter)),
                address=f"示范区政务中心{len(departments) + 1}号楼",
            ),
            **save,
        )
    centre = do_save_body(
        Body(
            kind=BodyKind.COMMAND_CENTRE,
            name="区社会治理指挥中心",
            region=district,
            phone=_phone(next(counter)),
            duties="12345诉求与网格事件的统一受理、派遣、督办",
        ),
        **save,
    )

    grids_by_community: dict[str, list[Region]] = {}
    streets = []
    for s_index, s_synth in enumerate(synth.children):
        street = do_save_region(
            Region(
                level=Level.STREET,
                code=s_synth.code,
                name=STREETS[s_index],
                parent=district,
                geometry=s_synth.polygon,
            ),
            **save,
        )
        streets.append(street)
        office = do_save_body(
            Body(
                kind=BodyKind.STREET_OFFICE,
                name=f"{street.name}办事处",
                region=street,
                phone=_phone(next(counter)),
                address=f"{street.name}政务服务中心",
            ),
            **save,
        )
        do_save_body(
            Body(
                kind=BodyKind.ENFORCEMENT_BRIGADE,
                name=f"{street.name}综合行政执法队",
                region=street,
                parent=office,
                phone=_phone(next(counter)),
            ),
            **save,
        )
        do_save_body(
            Body(
                kind=BodyKind.COMMAND_CENTRE,
                name=f"{street.name}社会治理分中心",
                region=street,
                parent=centre,
                phone=_phone(next(counter)),
            ),
            **save,
        )
        for agency, parent in (
            ("派出所", "区公安分局"),
            ("司法所", "区司法局"),
            ("市场监管所", "区市场监督管理局"),
        ):
            do_save_body(
                Body(
                    kind=BodyKind.STATIONED_AGENCY,
                    name=street.name[:2] + agency,
                    region=street,
                    parent=departments[parent],
                    phone=_phone(next(counter)),
                ),
                **save,
            )
        for c_index, c_synth in enumerate(s_synth.children):
            community = do_save_region(
                Region(
                    level=Level.COMMUNITY,
                    code=c_synth.code,
                    name=COMMUNITIES[s_index][c_index],
                    parent=street,
                    geometry=c_synth.polygon,
                ),
                **save,
            )
            do_save_body(
                Body(
                    kind=BodyKind.RESIDENTS_COMMITTEE,
                    name=f"{community.name}居民委员会",
                    region=community,
                    parent=office,
                    phone=_phone(next(counter)),
                ),
                **save,
            )
            grids = grids_by_community.setdefault(community.code, [])
            for g_index, g_synth in enumerate(c_synth.children, 1):
                grids.append(
                    do_save_region(
                        Region(
                            level=Level.GRID,
                            code=g_synth.code,
                            name=f"{community.name}第{g_index}网格",
                            parent=community,
                            geometry=g_synth.polygon,
                            households=300 + (next(counter) * 37) % 200,
                        ),
                        **save,
                    )
                )
            do_save_body(
                Body(
                    kind=BodyKind.GRID_COUNCIL,
                    name=f"{grids[0].name}理事会",
                    region=grids[0],
                    phone=_phone(next(counter)),
                ),
                **save,
            )

    first_grid = grids_by_community[streets[0].code + "001"][0]
    _add_micro_grids(first_grid, save)

    # A grid worker for every grid, with a published duty phone.
    for grids in grids_by_community.values():
        for grid in grids:
            worker = _person(f"gw{grid.code[-9:]}", fake.name(), _mobile(next(counter)))
            do_save_membership(
                Membership(
                    user=worker,
                    role=Role.GRID_WORKER,
                    region=grid,
                    title="专职网格员",
                    duty_phone=_phone(next(counter)),
                ),
                **save,
            )
    _add_layer(grids_by_community, departments, save)
    _add_demo_logins(fake, counter, district, streets, grids_by_community, departments, save)
    return demo_logins()


def _add_micro_grids(grid: Region, save) -> None:
    shape = geo.parse_polygon(grid.geometry)
    minx, miny, maxx, maxy = shape.bounds
    mid = (minx + maxx) / 2
    from shapely.geometry import box

    for n, half in enumerate((box(minx, miny, mid, maxy), box(mid, miny, maxx, maxy)), 1):
        do_save_region(
            Region(
                level=Level.MICRO_GRID,
                code=f"{grid.code}{n:03d}",
                name=f"{grid.name}微网格{n}",
                parent=grid,
                geometry=geo.to_geojson(shape.intersection(half)),
            ),
            **save,
        )


def _add_layer(grids_by_community, departments, save) -> None:
    from shanzhi.org.actions import do_save_layer, do_save_layer_cell
    from shanzhi.org.models import LayerCell

    layer = do_save_layer(
        GridLayer(
            kind=LayerKind.PARTY,
            name="党建网格",
            owner=departments["区民政局"],
            description="楼片党支部按基础网格划分，一网为主干、多网融合",
        ),
        **save,
    )
    for code, grids in grids_by_community.items():
        half = len(grids) // 2 + 1
        for n, chunk in enumerate((grids[:half], grids[half:]), 1):
            if chunk:
                do_save_layer_cell(
                    LayerCell(layer=layer, name=f"{code}-党支部{n}"), grids=chunk, **save
                )


@cache
def _demo_password_hash() -> str:
    # Hashed once: argon2 is slow by design and every demo login shares the password.
    return make_password(DEMO_PASSWORD)


def _person(username: str, real_name: str, phone: str) -> User:
    user = User(username=username, real_name=real_name, phone=phone)
    user.password = _demo_password_hash()
    return do_save_person(user, actor=None, note="示范数据（虚构）")


def _add_demo_logins(fake, counter, district, streets, grids_by_community, departments, save):
    street = streets[0]
    community = Region.objects.get(code=street.code + "001")
    grids = grids_by_community[community.code]
    department = departments["区城市管理局"]
    plan = [
        ("resident", Role.RESIDENT, {"region": grids[0]}),
        ("gridworker", Role.GRID_WORKER, {"region": grids[0]}),
        ("community", Role.COMMUNITY_STAFF, {"region": community}),
        ("dispatcher", Role.STREET_DISPATCHER, {"region": street}),
        ("streetstaff", Role.STREET_STAFF, {"region": street}),
        ("department", Role.DEPARTMENT_HANDLER, {"body": department}),
        ("leader", Role.LEADER, {"region": district}),
        ("legal", Role.LEGAL_ADVISER, {"region": street}),
        ("socialorg", Role.SOCIAL_ORGANISATION, {"region": community}),
        ("admin", Role.ADMINISTRATOR, {"region": district}),
        ("auditor", Role.AUDITOR, {"region": district}),
    ]
    for username, role, unit in plan:
        user = _person(username, fake.name(), _mobile(next(counter)))
        duty = _phone(next(counter)) if role == Role.GRID_WORKER else ""
        do_save_membership(Membership(user=user, role=role, duty_phone=duty, **unit), **save)
    # The district command centre's dispatcher (12345 hotline), after the others so that
    # the synthetic names of the earlier accounts stay the same.
    centre = _person("centre", fake.name(), _mobile(next(counter)))
    do_save_membership(
        Membership(
            user=centre,
            role=Role.STREET_DISPATCHER,
            region=district,
            body=Body.objects.get(region=district, kind=BodyKind.COMMAND_CENTRE),
            title="12345热线调度员",
        ),
        **save,
    )
    # One grid leader over three grids (一长兼多格).
    leader = _person("gridleader", fake.name(), _mobile(next(counter)))
    for grid in grids[:3]:
        do_save_membership(
            Membership(
                user=leader,
                role=Role.GRID_LEADER,
                region=grid,
                title="网格长",
                duty_phone=_phone(next(counter)),
            ),
            **save,
        )

    # The district's petition office (信访接待), after the others for the same reason: it
    # registers and transfers petitions as a dispatcher of 区信访局.
    office = _person("petitions", fake.name(), _mobile(next(counter)))
    do_save_membership(
        Membership(
            user=office,
            role=Role.STREET_DISPATCHER,
            region=district,
            body=departments["区信访局"],
            title="信访接待员",
        ),
        **save,
    )


def demo_logins() -> list[DemoLogin]:
    logins = []
    for username in DEMO_USERNAMES:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        for m in user.memberships.active().select_related("region", "body")[:1]:
            logins.append(DemoLogin(username, Role(m.role), m.unit.name))
    return logins


DEMO_USERNAMES = [
    "resident",
    "gridworker",
    "gridleader",
    "community",
    "dispatcher",
    "centre",
    "petitions",
    "streetstaff",
    "department",
    "leader",
    "legal",
    "socialorg",
    "admin",
    "auditor",
]
