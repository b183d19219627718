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

from datetime import date

from django.db import transaction

from shanzhi.duties import actions
from shanzhi.duties.models import (
    Article,
    CategoryKind,
    DispatchRule,
    DutyItem,
    DutyType,
    Law,
    LawLevel,
    ListKind,
    MatterCategory,
    Owner,
    Redirect,
    TimeLimit,
    Unit,
    Urgency,
)
from shanzhi.org.models import Body, BodyKind, Level, Region

NOTE = "示范配置（虚构）"
SERVICE_BASIS = "示范区接诉即办时限规定（虚构示例）"
GRID_BASIS = "示范区网格事件处置时限规定（虚构示例）"
# The demo street that has not (yet) taken on the delegated enforcement of 占道经营.
UNDELEGATED_STREET = "990101003"

# name → (short name, level, issued by, document number, in force from, articles)
# articles: (number, excerpt); “……” marks an excerpt cut short.
LAWS = [
    (
        "信访工作条例",
        "信访工作条例",
        LawLevel.ADMIN_REGULATION,
        "中共中央、国务院",
        "",
        date(2022, 5, 1),
        [
            (
                "第十七条",
                "公民、法人或者其他组织可以采用信息网络、书信、电话、传真、走访等形式，"
                "向各级机关、单位反映情况，提出建议、意见或者投诉请求，有关机关、单位应当依规依法处理。",
            ),
            (
                "第二十二条",
                "各级党委和政府信访部门收到信访事项，应当予以登记，并区分情况，"
                "在15日内分别按照下列方式处理：……",
            ),
            (
                "第二十三条",
                "……不属于本机关、单位或者本系统职权范围的，有关机关、单位应当自收到之日起"
                "5个工作日内提出异议，并详细说明理由……",
            ),
            (
                "第二十八条",
                "各级机关、单位应当按照诉讼与信访分离制度要求，将涉及民事、行政、刑事等诉讼权利"
                "救济的信访事项从普通信访体制中分离出来，由有关政法部门依法处理。",
            ),
            (
                "第三十四条",
                "对本条例第三十一条第六项规定的信访事项应当自受理之日起60日内办结；情况复杂的，"
                "经本机关、单位负责人批准，可以适当延长办理期限，但延长期限不得超过30日，"
                "并告知信访人延期理由。",
            ),
            (
                "第三十五条",
                "信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关、单位的"
                "上一级机关、单位复查。收到复查请求的机关、单位应当自收到复查请求之日起30日内"
                "提出复查意见，并予以书面答复。",
            ),
            (
                "第三十六条",
                "信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关、单位的上一级"
                "机关、单位请求复核。收到复核请求的机关、单位应当自收到复核请求之日起30日内"
                "提出复核意见。……",
            ),
        ],
    ),
    (
        "中华人民共和国行政处罚法",
        "行政处罚法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2021, 7, 15),
        [
            (
                "第十八条",
                "国家在城市管理、市场监管、生态环境、文化市场、交通运输、应急管理、农业等领域"
                "推行建立综合行政执法制度，相对集中行政处罚权。……",
            ),
            (
                "第二十四条",
                "省、自治区、直辖市根据当地实际情况，可以决定将基层管理迫切需要的县级人民政府"
                "部门的行政处罚权交由能够有效承接的乡镇人民政府、街道办事处行使，并定期组织评估。"
                "决定应当公布。……",
            ),
            (
                "第四十二条",
                "行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人，"
                "法律另有规定的除外。……",
            ),
            (
                "第四十七条",
                "行政机关应当依法以文字、音像等形式，对行政处罚的启动、调查取证、审核、决定、"
                "送达、执行等进行全过程记录，归档保存。",
            ),
            (
                "第五十八条",
                "有下列情形之一，在行政机关负责人作出行政处罚的决定之前，应当由从事行政处罚决定"
                "法制审核的人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定：……",
            ),
            (
                "第六十条",
                "行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、"
                "规章另有规定的，从其规定。",
            ),
            ("第八十五条", "本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日。"),
        ],
    ),
    (
        "北京市接诉即办工作条例",
        "北京市接诉即办工作条例",
        LawLevel.LOCAL_REGULATION,
        "北京市人民代表大会常务委员会",
        "",
        None,
        [
            (
                "第二条",
                "……本条例所称接诉即办工作，是指本市对自然人、法人或者其他组织（以下统称诉求人）"
                "提出的涉及本行政区域的咨询、求助、投诉、举报、建议等诉求给予快速响应、高效办理、"
                "及时反馈和主动治理的为民服务机制。……",
            ),
            (
                "第十一条",
                "……（一）应当通过110、119、120、122等紧急服务热线处理的紧急事项，即时转至相应专线；"
                "（二）依法应当通过或者已进入诉讼、仲裁、纪检监察、行政复议、政府信息公开等法定途径"
                "和已进入信访渠道办理的事项，告知诉求人相应法定渠道；……",
            ),
            (
                "第十二条",
                "……对权责明确、管辖清晰的，直接派单至承办单位；其中，直接派单至街道办事处、"
                "乡镇人民政府的，同时送区人民政府督促协调解决；……承办单位对职责、管辖等有异议的，"
                "可以向市民热线服务工作机构提出；市政务服务部门应当建立派单异议审核机制，"
                "协调解决派单异议。",
            ),
            (
                "第十三条",
                "市民热线服务工作机构实施派单，应当在诉求工单上注明办理时限。办理时限由市政务服务"
                "部门会同有关部门依据相关法律、法规、规章、政策规定和行业标准确定。",
            ),
            ("第十四条", "本市对接诉即办工作实行首接负责制，接到派单的单位不得推诿。……"),
            (
                "第十七条",
                "……承办单位不得将社区职责清单外的事项交由社区办理，不得将社区协助政府工作的事项"
                "交由社区作为主责办理。",
            ),
            (
                "第十九条",
                "承担公共服务职能的企事业单位应当建立完善公共服务保障和应急处置等工作机制，"
                "对涉及水、电、气、热等重点民生领域的诉求提供全天候服务。",
            ),
            (
                "第二十三条",
                "诉求办理时限期满，市民热线服务工作机构应当通过电话、短信、网络等方式对诉求人"
                "进行回访，了解诉求办理情况。",
            ),
            (
                "第三十二条",
                "……考评应当遵循实事求是、客观公正、科学规范、督促与激励相结合的原则，"
                "以响应率、解决率、满意率为核心内容……",
            ),
        ],
    ),
    (
        "中华人民共和国城市居民委员会组织法",
        "城市居民委员会组织法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(1990, 1, 1),
        [
            (
                "第三条",
                "居民委员会的任务：……（五）协助人民政府或者它的派出机关做好与居民利益有关的"
                "公共卫生、计划生育、优抚救济、青少年教育等项工作；"
                "（六）向人民政府或者它的派出机关反映居民的意见、要求和提出建议。",
            ),
            (
                "第六条",
                "居民委员会根据居民居住状况，按照便于居民自治的原则，一般在一百户至七百户的范围内设立。……",
            ),
            (
                "第九条",
                "……居民会议必须有全体十八周岁以上的居民、户的代表或者居民小组选举的代表的过半数"
                "出席，才能举行。会议的决定，由出席人的过半数通过。",
            ),
            (
                "第十五条",
                "居民公约由居民会议讨论制定，报不设区的市、市辖区的人民政府或者它的派出机关备案，"
                "由居民委员会监督执行。……",
            ),
            (
                "第二十条",
                "市、市辖区的人民政府有关部门，需要居民委员会或者它的下属委员会协助进行的工作，"
                "应当经市、市辖区的人民政府或者它的派出机关同意并统一安排。……",
            ),
        ],
    ),
    (
        "中华人民共和国民法典",
        "民法典",
        LawLevel.LAW,
        "全国人民代表大会",
        "",
        date(2021, 1, 1),
        [
            (
                "第二百零一条",
                "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。"
                "按照小时计算期间的，自法律规定或者当事人约定的时间开始计算。",
            ),
            (
                "第二百零二条",
                "按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，"
                "月末日为期间的最后一日。",
            ),
            (
                "第二百零三条",
                "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。"
                "期间的最后一日的截止时间为二十四时；有业务时间的，停止业务活动的时间为截止时间。",
            ),
        ],
    ),
    (
        "中华人民共和国个人信息保护法",
        "个人信息保护法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2021, 11, 1),
        [
            (
                "第二十八条",
                "敏感个人信息是一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害或者人身、"
                "财产安全受到危害的个人信息，包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、"
                "行踪轨迹等信息，以及不满十四周岁未成年人的个人信息。……",
            ),
            (
                "第三十四条",
                "国家机关为履行法定职责处理个人信息，应当依照法律、行政法规规定的权限、程序进行，"
                "不得超出履行法定职责所必需的范围和限度。",
            ),
            (
                "第三十五条",
                "国家机关为履行法定职责处理个人信息，应当依照本法规定履行告知义务；……",
            ),
            (
                "第三十六条",
                "国家机关处理的个人信息应当在中华人民共和国境内存储；确需向境外提供的，"
                "应当进行安全评估。……",
            ),
        ],
    ),
    # The full text was not available to check; it is listed without article excerpts.
    (
        "国务院办公厅关于进一步优化地方政务服务便民热线的指导意见",
        "便民热线指导意见",
        LawLevel.NORMATIVE,
        "国务院办公厅",
        "国办发〔2020〕53号",
        None,
        [],
    ),
    (
        "城市市容和环境卫生管理条例",
        "城市市容和环境卫生管理条例",
        LawLevel.ADMIN_REGULATION,
        "国务院",
        "国务院令第101号",
        date(1992, 8, 1),
        [
            (
                "第十二条",
                "城市中的市政公用设施，应当与周围环境相协调，并维护和保持设施完好、整洁。",
            ),
            (
                "第十四条",
                "任何单位和个人都不得在街道两侧和公共场地堆放物料，搭建建筑物、构筑物或者其他设施。……",
            ),
            (
                "第十七条",
                "一切单位和个人，都不得在城市建筑物、设施以及树木上涂写、刻画。"
                "单位和个人在城市建筑物、设施上张挂、张贴宣传品等，须经城市人民政府市容环境卫生"
                "行政主管部门或者其他有关部门批准。",
            ),
            (
                "第二十三条",
                "按国家行政建制设立的市的主要街道、广场和公共水域的环境卫生，由环境卫生专业单位负责。"
                "居住区、街巷等地方，由街道办事处负责组织专人清扫保洁。",
            ),
            (
                "第二十八条",
                "城市人民政府市容环境卫生行政主管部门对城市生活废弃物的收集、运输和处理实施监督管理。……",
            ),
            (
                "第三十四条",
                "有下列行为之一者，城市人民政府市容环境卫生行政主管部门或者其委托的单位除责令其"
                "纠正违法行为、采取补救措施外，可以并处警告、罚款：……",
            ),
            (
                "第三十六条",
                "有下列行为之一者，由城市人民政府市容环境卫生行政主管部门或者其委托的单位责令其"
                "停止违法行为，限期清理、拆除或者采取其他补救措施，并可处以罚款：……",
            ),
        ],
    ),
    (
        "中华人民共和国城乡规划法",
        "城乡规划法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2008, 1, 1),
        [
            (
                "第六十四条",
                "未取得建设工程规划许可证或者未按照建设工程规划许可证的规定进行建设的，"
                "由县级以上地方人民政府城乡规划主管部门责令停止建设；……",
            ),
        ],
    ),
    (
        "中华人民共和国大气污染防治法",
        "大气污染防治法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2016, 1, 1),
        [
            (
                "第五条",
                "县级以上人民政府生态环境主管部门对大气污染防治实施统一监督管理。"
                "县级以上人民政府其他有关部门在各自职责范围内对大气污染防治实施监督管理。",
            ),
            (
                "第一百一十五条",
                "违反本法规定，施工单位有下列行为之一的，由县级以上人民政府住房城乡建设等主管部门"
                "按照职责责令改正，处一万元以上十万元以下的罚款；拒不改正的，责令停工整治：……",
            ),
            (
                "第一百一十八条",
                "违反本法规定，排放油烟的餐饮服务业经营者未安装油烟净化设施、不正常使用油烟净化"
                "设施或者未采取其他油烟净化措施，超过排放标准排放油烟的，由县级以上地方人民政府"
                "确定的监督管理部门责令改正，处五千元以上五万元以下的罚款；拒不改正的，责令停业整治。……",
            ),
        ],
    ),
    (
        "中华人民共和国噪声污染防治法",
        "噪声污染防治法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2022, 6, 5),
        [
            (
                "第八条",
                "……地方人民政府生态环境主管部门对本行政区域噪声污染防治实施统一监督管理。……"
                "基层群众性自治组织应当协助地方人民政府及其有关部门做好噪声污染防治工作。",
            ),
            (
                "第七十条",
                "对噪声敏感建筑物集中区域的社会生活噪声扰民行为，基层群众性自治组织、业主委员会、"
                "物业服务人应当及时劝阻、调解；劝阻、调解无效的，可以向负有社会生活噪声污染防治"
                "监督管理职责的部门或者地方人民政府指定的部门报告或者投诉，接到报告或者投诉的部门"
                "应当依法处理。",
            ),
            (
                "第七十七条",
                "违反本法规定，建设单位、施工单位有下列行为之一，由工程所在地人民政府指定的部门"
                "责令改正，处一万元以上十万元以下的罚款；拒不改正的，可以责令暂停施工：……",
            ),
            (
                "第八十二条",
                "违反本法规定，有下列行为之一，由地方人民政府指定的部门说服教育，责令改正；……",
            ),
        ],
    ),
    (
        "中华人民共和国消防法",
        "消防法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2009, 5, 1),
        [
            (
                "第四条",
                "……县级以上地方人民政府应急管理部门对本行政区域内的消防工作实施监督管理，"
                "并由本级人民政府消防救援机构负责实施。……",
            ),
            (
                "第二十八条",
                "任何单位、个人不得损坏、挪用或者擅自拆除、停用消防设施、器材，不得埋压、圈占、"
                "遮挡消火栓或者占用防火间距，不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。……",
            ),
            (
                "第三十二条",
                "乡镇人民政府、城市街道办事处应当指导、支持和帮助村民委员会、居民委员会开展群众性的"
                "消防工作。……",
            ),
        ],
    ),
    (
        "中华人民共和国道路交通安全法",
        "道路交通安全法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(2004, 5, 1),
        [
            (
                "第五十六条",
                "机动车应当在规定地点停放。禁止在人行道上停放机动车；但是，依照本法第三十三条规定"
                "施划的停车泊位除外。在道路上临时停车的，不得妨碍其他车辆和行人通行。",
            ),
            (
                "第九十三条",
                "对违反道路交通安全法律、法规关于机动车停放、临时停车规定的，可以指出违法行为，"
                "并予以口头警告，令其立即驶离。……",
            ),
        ],
    ),
    (
        "中华人民共和国食品安全法",
        "食品安全法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        None,
        [
            (
                "第六条",
                "……县级以上地方人民政府依照本法和国务院的规定，确定本级食品安全监督管理、"
                "卫生行政部门和其他有关部门的职责。有关部门在各自职责范围内负责本行政区域的"
                "食品安全监督管理工作。县级人民政府食品安全监督管理部门可以在乡镇或者特定区域"
                "设立派出机构。",
            ),
        ],
    ),
    (
        "劳动保障监察条例",
        "劳动保障监察条例",
        LawLevel.ADMIN_REGULATION,
        "国务院",
        "国务院令第423号",
        date(2004, 12, 1),
        [
            (
                "第三条",
                "……县级以上地方各级人民政府劳动保障行政部门主管本行政区域内的劳动保障监察工作。……",
            ),
            (
                "第十一条",
                "劳动保障行政部门对下列事项实施劳动保障监察：……"
                "（六）用人单位支付劳动者工资和执行最低工资标准的情况；……",
            ),
        ],
    ),
    (
        "物业管理条例",
        "物业管理条例",
        LawLevel.ADMIN_REGULATION,
        "国务院",
        "国务院令第379号",
        date(2003, 9, 1),
        [
            (
                "第五条",
                "……县级以上地方人民政府房地产行政主管部门负责本行政区域内物业管理活动的监督管理工作。",
            ),
            (
                "第二十条",
                "……在物业管理区域内，业主大会、业主委员会应当积极配合相关居民委员会依法履行"
                "自治管理职责，支持居民委员会开展工作，并接受其指导和监督。……",
            ),
            (
                "第四十八条",
                "县级以上地方人民政府房地产行政主管部门应当及时处理业主、业主委员会、物业使用人"
                "和物业服务企业在物业管理活动中的投诉。",
            ),
        ],
    ),
    (
        "社会救助暂行办法",
        "社会救助暂行办法",
        LawLevel.ADMIN_REGULATION,
        "国务院",
        "国务院令第649号",
        date(2014, 5, 1),
        [
            (
                "第三条",
                "……县级以上地方人民政府民政、应急管理、卫生健康、教育、住房城乡建设、人力资源社会保障、"
                "医疗保障等部门，按照各自职责负责本行政区域内相应的社会救助管理工作。……",
            ),
            (
                "第四条",
                "乡镇人民政府、街道办事处负责有关社会救助的申请受理、调查审核，具体工作由社会救助"
                "经办机构或者经办人员承担。村民委员会、居民委员会协助做好有关社会救助工作。",
            ),
        ],
    ),
    (
        "中华人民共和国消费者权益保护法",
        "消费者权益保护法",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        date(1994, 1, 1),
        [
            (
                "第三十九条",
                "消费者和经营者发生消费者权益争议的，可以通过下列途径解决：……"
                "（三）向有关行政部门投诉；……",
            ),
            (
                "第四十六条",
                "消费者向有关行政部门投诉的，该部门应当自收到投诉之日起七个工作日内，"
                "予以处理并告知消费者。",
            ),
        ],
    ),
    (
        "中华人民共和国户口登记条例",
        "户口登记条例",
        LawLevel.LAW,
        "全国人民代表大会常务委员会",
        "",
        None,
        [("第三条", "户口登记工作，由各级公安机关主管。……")],
    ),
]


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
