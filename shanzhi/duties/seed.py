"""The demonstration catalogue: laws with articles, the matter catalogue, the power and
street duty lists, the dispatch catalogue and the time-limit table of the fictional 示范区.

Everything is written through the ``do_*`` actions (``actor=None``, the system) with the
note “示范配置（虚构）”, so it is validated and versioned like real configuration. Article
numbers and excerpts are copied from the published texts (as collected in the
LawRefBook/Laws repository); where a text could not be checked the document is listed
without excerpts rather than paraphrased. Codes follow the GB/T 47678.5 pattern (two-digit
major class, two-digit minor class) but are illustrative, and every time limit is marked
as a fictional local rule: nothing here is real law except the cited articles.

``load_catalogue()`` is idempotent: it does nothing when the catalogue is already there.
It needs the demo district's bodies (``shanzhi.demo.seed.load_demo``).
"""

from django.db import transaction

from shanzhi.duties import actions
from shanzhi.duties.models import (
    Article,
    CategoryKind,
    DispatchRule,
    DutyItem,
    DutyType,
    Law,
    ListKind,
    MatterCategory,
    Owner,
    Redirect,
    TimeLimit,
    Unit,
    Urgency,
)
from shanzhi.duties.seed_laws import LAWS
from shanzhi.org.models import Body, BodyKind, Level, Region

NOTE = "示范配置（虚构）"
SERVICE_BASIS = "示范区接诉即办时限规定（虚构示例）"
GRID_BASIS = "示范区网格事件处置时限规定（虚构示例）"
# The demo street that has not (yet) taken on the delegated enforcement of 占道经营.
UNDELEGATED_STREET = "990101003"

_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def article_sort_key(number: str) -> int:
    """第二百零一条 → 201, so that articles list in the law's order."""
    text = number.removeprefix("第").split("条")[0]
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            return 0
    return total + digit


# (code, name, kind, major class code, hint, redirect, emergency number)
EVENT, REQUEST = CategoryKind.EVENT, CategoryKind.REQUEST
CATEGORIES = [
    ("06", "市容环境", EVENT, None, "街面和小区公共区域的环境卫生、市容问题", "", ""),
    ("0601", "私搭乱建", EVENT, "06", "在街道两侧、公共场地擅自搭建棚屋、围挡等", "", ""),
    ("0602", "暴露垃圾", EVENT, "06", "垃圾堆放在外未及时清运、垃圾桶满溢", "", ""),
    ("0603", "道路不洁", EVENT, "06", "路面有积存垃圾、污水、渣土", "", ""),
    ("0604", "道路破损", EVENT, "06", "路面、人行道、井盖破损或塌陷", "", ""),
    ("0605", "油烟污染", EVENT, "06", "餐馆油烟直排、未装或不用油烟净化设施", "", ""),
    (
        "0606",
        "噪声扰民",
        EVENT,
        "06",
        "商铺喇叭、广场活动音响等社会生活噪声持续扰民（工地噪声请选“施工扰民”）",
        "",
        "",
    ),
    ("0607", "垃圾未分类", EVENT, "06", "小区生活垃圾未按要求分类投放", "", ""),
    ("07", "宣传广告", EVENT, None, "小广告、户外广告和招牌问题", "", ""),
    ("0701", "非法小广告", EVENT, "07", "在墙面、电杆、树木上张贴、涂写、刻画小广告", "", ""),
    ("0702", "户外广告设置不当", EVENT, "07", "大型户外广告、招牌擅自设置或破损", "", ""),
    ("08", "施工管理", EVENT, None, "工地和建设行为引起的问题", "", ""),
    ("0801", "施工扰民", EVENT, "08", "工地夜间施工或施工噪声影响休息", "", ""),
    ("0802", "无证建设", EVENT, "08", "未取得建设工程规划许可证进行建设", "", ""),
    ("0803", "施工扬尘", EVENT, "08", "工地未围挡、未覆盖，渣土扬尘", "", ""),
    ("09", "街面秩序", EVENT, None, "道路和公共空间的占用、停车问题", "", ""),
    ("0901", "占道经营", EVENT, "09", "在道路、人行道上摆摊设点或店外经营", "", ""),
    ("0902", "机动车乱停放", EVENT, "09", "机动车停在人行道、路口或妨碍通行", "", ""),
    ("0903", "占用消防通道", EVENT, "09", "消防车通道、疏散通道被车辆或杂物占用、堵塞", "", ""),
    ("10", "其他", EVENT, None, "不属于以上各类的城市管理问题", "", ""),
    ("1001", "其他城市管理事件", EVENT, "10", "说不清属于哪一类时选这里，由人工分派", "", ""),
    ("20", "公用事业", REQUEST, None, "水、电、气、热等公用服务", "", ""),
    ("2001", "供水", REQUEST, "20", "停水、水压低、水质问题", "", ""),
    ("2002", "供电", REQUEST, "20", "停电、电压不稳", "", ""),
    (
        "2003",
        "燃气",
        REQUEST,
        "20",
        "燃气停供、缴费和设施问题；闻到燃气泄漏请先离开现场并拨打119",
        "",
        "",
    ),
    ("2004", "供暖", REQUEST, "20", "暖气不热、供暖设施问题", "", ""),
    ("21", "住房与物业", REQUEST, None, "房屋和物业服务", "", ""),
    ("2101", "物业管理纠纷", REQUEST, "21", "物业服务质量、收费、公共设施维护等投诉", "", ""),
    ("2102", "房屋安全", REQUEST, "21", "房屋开裂、外墙脱落等安全隐患", "", ""),
    ("2103", "物业管理咨询", REQUEST, "21", "业主大会、业主委员会、选聘物业等咨询", "", ""),
    ("22", "劳动与社会保障", REQUEST, None, "工资、劳动合同和救助", "", ""),
    ("2201", "劳动保障（欠薪）", REQUEST, "22", "拖欠工资、未签劳动合同、未缴社会保险", "", ""),
    ("2202", "社会救助", REQUEST, "22", "低保、特困供养、临时救助的申请与咨询", "", ""),
    ("23", "市场与消费", REQUEST, None, "购物、服务和食品", "", ""),
    ("2301", "消费维权", REQUEST, "23", "商品或服务质量、价格、预付卡纠纷", "", ""),
    ("2302", "食品安全", REQUEST, "23", "食品过期变质、无证餐饮、食品卫生", "", ""),
    ("24", "生态环境", REQUEST, None, "污染问题", "", ""),
    ("2401", "环境污染", REQUEST, "24", "工厂废气、污水、异味等污染", "", ""),
    ("25", "卫生健康", REQUEST, None, "医疗和公共卫生", "", ""),
    ("2501", "医疗卫生", REQUEST, "25", "医疗服务、公共卫生问题（急症请拨打120）", "", ""),
    ("26", "公安户籍", REQUEST, None, "户口和证件", "", ""),
    ("2601", "户籍证照", REQUEST, "26", "户口、身份证、居住证的办理", "", ""),
    ("27", "咨询", REQUEST, None, "政策和办事咨询", "", ""),
    ("2701", "政策咨询", REQUEST, "27", "政策、办事流程咨询；能当场答复的当场答复", "", ""),
    (
        "90",
        "由其他渠道办理的事项",
        REQUEST,
        None,
        "这些事项依法由其他渠道办理，我们会告诉您该去哪里",
        "",
        "",
    ),
    ("9001", "火灾", REQUEST, "90", "发生火灾请立即拨打119", Redirect.EMERGENCY, "119"),
    (
        "9002",
        "治安、刑事案件",
        REQUEST,
        "90",
        "遇到违法犯罪请立即拨打110",
        Redirect.EMERGENCY,
        "110",
    ),
    ("9003", "医疗急救", REQUEST, "90", "有人急病或受伤请立即拨打120", Redirect.EMERGENCY, "120"),
    ("9004", "交通事故", REQUEST, "90", "发生交通事故请拨打122", Redirect.EMERGENCY, "122"),
    (
        "9005",
        "信访事项",
        REQUEST,
        "90",
        "已经进入信访渠道的事项，按信访程序办理",
        Redirect.PETITION,
        "",
    ),
    (
        "9006",
        "诉讼、仲裁事项",
        REQUEST,
        "90",
        "依法应当通过诉讼、仲裁解决的纠纷",
        Redirect.LITIGATION,
        "",
    ),
]

# Legal bases are written "short law name:article number".
CITY_MGMT = "区城市管理局"
MARKET = "区市场监督管理局"
ECOLOGY = "区生态环境分局"
HOUSING = "区住房和城乡建设局"
EMERGENCY_MGMT = "区应急管理局"
LABOUR = "区人力资源和社会保障局"
CIVIL_AFFAIRS = "区民政局"
HEALTH = "区卫生健康委员会"
POLICE = "区公安分局"
PETITIONS = "区信访局"

# Power list of the district departments: (title, department, category, bases).
# A department's item names the category only where the department owns the matter
# here: matters delegated to the streets (赋权) are listed without one, or the duty lists
# would give them back to the department.
DEPARTMENT_ITEMS = [
    (
        "违法建设（未取得建设工程规划许可证）的查处",
        CITY_MGMT,
        "0802",
        ["城乡规划法:第六十四条", "行政处罚法:第十八条"],
    ),
    ("擅自设置大型户外广告的处罚", CITY_MGMT, "0702", ["城市市容和环境卫生管理条例:第三十六条"]),
    ("道路等市政公用设施的维护管理", CITY_MGMT, "0604", ["城市市容和环境卫生管理条例:第十二条"]),
    ("水、电、气、热公用服务诉求的督办协调", CITY_MGMT, "20", ["北京市接诉即办工作条例:第十九条"]),
    (
        "违反市容环境卫生管理行为的处罚（张贴小广告、占道经营等已赋权街道的除外）",
        CITY_MGMT,
        None,
        ["城市市容和环境卫生管理条例:第三十四条", "行政处罚法:第二十四条"],
    ),
    ("食品生产经营的监督管理", MARKET, "2302", ["食品安全法:第六条"]),
    (
        "消费者投诉的受理与处理",
        MARKET,
        "2301",
        ["消费者权益保护法:第三十九条", "消费者权益保护法:第四十六条"],
    ),
    ("餐饮油烟污染的监督管理", ECOLOGY, "0605", ["大气污染防治法:第一百一十八条"]),
    (
        "社会生活噪声污染的监督管理",
        ECOLOGY,
        "0606",
        ["噪声污染防治法:第八条", "噪声污染防治法:第八十二条"],
    ),
    ("大气污染防治的统一监督管理", ECOLOGY, "2401", ["大气污染防治法:第五条"]),
    ("建筑施工噪声的监督管理", HOUSING, "0801", ["噪声污染防治法:第七十七条"]),
    ("施工扬尘的监督管理", HOUSING, "0803", ["大气污染防治法:第一百一十五条"]),
    (
        "物业管理活动的监督管理与投诉处理",
        HOUSING,
        "2101",
        ["物业管理条例:第五条", "物业管理条例:第四十八条"],
    ),
    ("房屋使用安全的监督管理", HOUSING, "2102", []),
    (
        "消防工作的监督管理（占用、堵塞消防车通道）",
        EMERGENCY_MGMT,
        "0903",
        ["消防法:第四条", "消防法:第二十八条"],
    ),
    (
        "劳动保障监察（工资支付等）",
        LABOUR,
        "2201",
        ["劳动保障监察条例:第三条", "劳动保障监察条例:第十一条"],
    ),
    ("社会救助的审批", CIVIL_AFFAIRS, None, ["社会救助暂行办法:第三条"]),
    ("医疗卫生服务的监督管理", HEALTH, "2501", []),
    (
        "机动车违法停放的处罚",
        POLICE,
        "0902",
        ["道路交通安全法:第五十六条", "道路交通安全法:第九十三条"],
    ),
    ("户口登记管理", POLICE, "2601", ["户口登记条例:第三条"]),
    ("信访事项的登记、转送、交办", PETITIONS, None, ["信访工作条例:第二十二条"]),
]

# Residents' committees (协助政府工作事项 and self-governance): (title, category, bases).
COMMITTEE_ITEMS = [
    ("组织居民做好生活垃圾分类投放", "0607", ["城市居民委员会组织法:第三条"]),
    (
        "物业管理事项的指导、协调和咨询",
        "2103",
        ["物业管理条例:第二十条", "城市居民委员会组织法:第三条"],
    ),
    ("协助做好社会救助工作", None, ["社会救助暂行办法:第四条"]),
    ("劝阻、调解社会生活噪声扰民", None, ["噪声污染防治法:第七十条"]),
    (
        "组织居民会议、制定居民公约",
        None,
        ["城市居民委员会组织法:第九条", "城市居民委员会组织法:第十五条"],
    ),
]

# Street duty list: (title, duty type, category, department concerned, bases).
BASIC, COOPERATIVE, WITHDRAWN = DutyType.BASIC, DutyType.COOPERATIVE, DutyType.WITHDRAWN
STREET_ITEMS = [
    ("组织居住区、街巷的清扫保洁", BASIC, "0603", None, ["城市市容和环境卫生管理条例:第二十三条"]),
    ("暴露垃圾的清理和清运督促", BASIC, "0602", None, ["城市市容和环境卫生管理条例:第二十三条"]),
    (
        "私搭乱建的查处（赋权事项）",
        BASIC,
        "0601",
        None,
        [
            "城市市容和环境卫生管理条例:第十四条",
            "城市市容和环境卫生管理条例:第三十六条",
            "行政处罚法:第二十四条",
        ],
    ),
    (
        "张贴、涂写小广告的查处（赋权事项）",
        BASIC,
        "0701",
        None,
        [
            "城市市容和环境卫生管理条例:第十七条",
            "城市市容和环境卫生管理条例:第三十四条",
            "行政处罚法:第二十四条",
        ],
    ),
    ("占道经营的查处（赋权事项）", BASIC, "0901", None, ["行政处罚法:第二十四条"]),
    ("社会救助申请的受理和调查审核", BASIC, "2202", None, ["社会救助暂行办法:第四条"]),
    ("政策咨询的答复", BASIC, "2701", None, ["北京市接诉即办工作条例:第十一条"]),
    ("配合开展欠薪线索排查", COOPERATIVE, "2201", LABOUR, ["劳动保障监察条例:第三条"]),
    ("配合开展餐饮油烟整治", COOPERATIVE, "0605", ECOLOGY, ["大气污染防治法:第一百一十八条"]),
    (
        "指导居民委员会开展群众性消防工作",
        COOPERATIVE,
        "0903",
        EMERGENCY_MGMT,
        ["消防法:第三十二条"],
    ),
    ("食品安全监督检查", WITHDRAWN, "2302", MARKET, ["食品安全法:第六条"]),
    ("无证建设的查处", WITHDRAWN, "0802", CITY_MGMT, ["城乡规划法:第六十四条"]),
    ("机动车违法停放的处罚", WITHDRAWN, "0902", POLICE, ["道路交通安全法:第九十三条"]),
]

# Dispatch catalogue: (category, owner, lead kind, lead department, assisting departments).
DEPT, STREET, COMMUNITY = Owner.DEPARTMENT, Owner.STREET, Owner.COMMUNITY
OFFICE, BRIGADE = BodyKind.STREET_OFFICE, BodyKind.ENFORCEMENT_BRIGADE
COMMITTEE, DEPARTMENT = BodyKind.RESIDENTS_COMMITTEE, BodyKind.DEPARTMENT
RULES = [
    ("06", STREET, OFFICE, None, []),
    ("0601", STREET, BRIGADE, None, [CITY_MGMT]),
    ("0602", STREET, OFFICE, None, []),
    ("0603", STREET, OFFICE, None, [CITY_MGMT]),
    ("0604", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("0605", DEPT, DEPARTMENT, ECOLOGY, [CITY_MGMT]),
    ("0606", DEPT, DEPARTMENT, ECOLOGY, [POLICE]),
    ("0607", COMMUNITY, COMMITTEE, None, []),
    ("0701", STREET, BRIGADE, None, []),
    ("0702", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("0801", DEPT, DEPARTMENT, HOUSING, [ECOLOGY]),
    ("0802", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("0803", DEPT, DEPARTMENT, HOUSING, []),
    ("09", STREET, OFFICE, None, []),
    ("0901", STREET, BRIGADE, None, []),
    ("0902", DEPT, DEPARTMENT, POLICE, []),
    ("0903", DEPT, DEPARTMENT, EMERGENCY_MGMT, []),
    ("20", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("2001", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("2002", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("2003", DEPT, DEPARTMENT, CITY_MGMT, [EMERGENCY_MGMT]),
    ("2004", DEPT, DEPARTMENT, CITY_MGMT, []),
    ("2101", DEPT, DEPARTMENT, HOUSING, []),
    ("2102", DEPT, DEPARTMENT, HOUSING, []),
    ("2103", COMMUNITY, COMMITTEE, None, []),
    ("2201", DEPT, DEPARTMENT, LABOUR, []),
    ("2202", STREET, OFFICE, None, [CIVIL_AFFAIRS]),
    ("2301", DEPT, DEPARTMENT, MARKET, []),
    ("2302", DEPT, DEPARTMENT, MARKET, []),
    ("2401", DEPT, DEPARTMENT, ECOLOGY, []),
    ("2501", DEPT, DEPARTMENT, HEALTH, []),
    ("2601", DEPT, DEPARTMENT, POLICE, []),
    ("2701", STREET, OFFICE, None, []),
]
# Area rules: (category, area code, owner, lead kind, lead department).
AREA_RULES = [("0901", UNDELEGATED_STREET, DEPT, DEPARTMENT, CITY_MGMT)]

# Time-limit table: (procedure, clock, category, urgency, value, unit, basis note).
NORMAL, URGENT, CRITICAL = Urgency.NORMAL, Urgency.URGENT, Urgency.CRITICAL
WD, WH, H = Unit.WORKING_DAYS, Unit.WORKING_HOURS, Unit.HOURS
SR, GE = "service_request", "grid_event"
TIME_LIMITS = [
    (SR, "handle", None, NORMAL, 7, WD, SERVICE_BASIS),
    (SR, "handle", None, URGENT, 24, H, SERVICE_BASIS),
    (SR, "handle", None, CRITICAL, 2, H, SERVICE_BASIS),
    (SR, "handle", "20", NORMAL, 24, H, SERVICE_BASIS),  # utilities
    (SR, "handle", "2101", NORMAL, 15, WD, SERVICE_BASIS),  # complex matters
    (SR, "handle", "2102", NORMAL, 15, WD, SERVICE_BASIS),
    (SR, "handle", "2201", NORMAL, 15, WD, SERVICE_BASIS),
    (SR, "dispatch", None, NORMAL, 2, WH, SERVICE_BASIS),
    (SR, "objection", None, NORMAL, 1, WD, SERVICE_BASIS),
    (GE, "verify", None, NORMAL, 2, WH, GRID_BASIS),
    (GE, "handle", None, NORMAL, 3, WD, GRID_BASIS),
    (GE, "handle", None, URGENT, 4, WH, GRID_BASIS),
    (GE, "handle", "0603", NORMAL, 5, WH, GRID_BASIS),
    (GE, "handle", "0602", NORMAL, 8, WH, GRID_BASIS),
    (GE, "handle", "0601", NORMAL, 15, WD, GRID_BASIS),
    (GE, "handle", "0802", NORMAL, 15, WD, GRID_BASIS),
    (GE, "check", None, NORMAL, 4, WH, GRID_BASIS),
]


def is_loaded() -> bool:
    return MatterCategory.objects.filter(code="06").exists()


@transaction.atomic
def load_catalogue() -> bool:
    """Load the demonstration catalogue; ``False`` when it was already there."""
    if is_loaded():
        return False
    save = {"actor": None, "note": NOTE}
    articles = _load_laws(save)
    categories = _load_categories(save)
    bodies = _departments()
    _load_duty_items(save, articles, categories, bodies)
    _load_rules(save, categories, bodies)
    _load_time_limits(save, categories)
    return True


def _load_laws(save) -> dict[str, Article]:
    articles = {}
    for name, short, level, issuer, number, effective, items in LAWS:
        law = actions.do_save_law(
            Law(
                name=name,
                short_name=short,
                level=level,
                issuer=issuer,
                document_number=number,
                effective_date=effective,
            ),
            **save,
        )
        for article_number, text in items:
            article = actions.do_save_article(
                Article(
                    law=law,
                    number=article_number,
                    text=text,
                    sort=article_sort_key(article_number),
                ),
                **save,
            )
            articles[f"{short}:{article_number}"] = article
    return articles


def _load_categories(save) -> dict[str, MatterCategory]:
    categories: dict[str, MatterCategory] = {}
    for code, name, kind, parent, hint, redirect, number in CATEGORIES:
        categories[code] = actions.do_save_category(
            MatterCategory(
                code=code,
                name=name,
                kind=kind,
                parent=categories[parent] if parent else None,
                hint=hint,
                redirect=redirect,
                emergency_number=number,
            ),
            **save,
        )
    return categories


def _departments() -> dict[str, Body]:
    names = {CITY_MGMT, MARKET, ECOLOGY, HOUSING, EMERGENCY_MGMT, LABOUR, CIVIL_AFFAIRS}
    names |= {HEALTH, POLICE, PETITIONS}
    bodies = {b.name: b for b in Body.objects.filter(kind=BodyKind.DEPARTMENT, name__in=names)}
    missing = sorted(names - bodies.keys())
    if missing:
        raise RuntimeError(
            "The demonstration catalogue needs the demo district's departments "
            f"(load_demo first); missing: {', '.join(missing)}"
        )
    return bodies


def _load_duty_items(save, articles, categories, bodies) -> None:
    def item(list_kind, title, body_kind, level, bases, **fields):
        actions.do_save_duty_item(
            DutyItem(list_kind=list_kind, title=title, body_kind=body_kind, level=level, **fields),
            articles=[articles[b] for b in bases],
            **save,
        )

    for title, department, code, bases in DEPARTMENT_ITEMS:
        item(
            ListKind.POWER,
            title,
            BodyKind.DEPARTMENT,
            Level.DISTRICT,
            bases,
            category=categories[code] if code else None,
            department=bodies[department],
        )
    for title, code, bases in COMMITTEE_ITEMS:
        item(
            ListKind.POWER,
            title,
            BodyKind.RESIDENTS_COMMITTEE,
            Level.COMMUNITY,
            bases,
            category=categories[code] if code else None,
        )
    for title, duty_type, code, department, bases in STREET_ITEMS:
        item(
            ListKind.STREET_DUTY,
            title,
            BodyKind.STREET_OFFICE,
            Level.STREET,
            bases,
            duty_type=duty_type,
            category=categories[code] if code else None,
            department=bodies[department] if department else None,
        )


def _load_rules(save, categories, bodies) -> None:
    for code, owner, kind, lead, assisting in RULES:
        actions.do_save_dispatch_rule(
            DispatchRule(
                category=categories[code],
                owner=owner,
                lead_kind=kind,
                lead_body=bodies[lead] if lead else None,
            ),
            assisting=[bodies[name] for name in assisting],
            **save,
        )
    for code, area_code, owner, kind, lead in AREA_RULES:
        area = Region.objects.filter(code=area_code).first()
        if area is None:
            continue
        actions.do_save_dispatch_rule(
            DispatchRule(
                category=categories[code],
                area=area,
                owner=owner,
                lead_kind=kind,
                lead_body=bodies[lead],
            ),
            assisting=[],
            **save,
        )


def _load_time_limits(save, categories) -> None:
    for procedure, clock, code, urgency, value, unit, basis in TIME_LIMITS:
        actions.do_save_time_limit(
            TimeLimit(
                procedure=procedure,
                clock=clock,
                category=categories[code] if code else None,
                urgency=urgency,
                value=value,
                unit=unit,
                basis_note=basis,
            ),
            **save,
        )
