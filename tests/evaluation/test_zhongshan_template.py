"""The Zhongshan 2012 template reproduces 附件1 (中山市政府部门绩效管理指标体系) exactly: walked row
by row against the printed table, typed here from the document, not read from the code."""

from decimal import Decimal

import pytest

from evaluation import services
from evaluation.models import Indicator

pytestmark = pytest.mark.django_db

# 考评体系 (points): [(一级指标, points, [(二级指标, points, 考评内容, 考评主体, 责任部门)])]
PRINTED = [
    ("履职效率", 25, [
        ("职责任务", 15, [
            ("履行法定职责", 5, "对政府部门履行“三定”主要职责情况进行考评。", "市编委办", "市编委办"),
            ("完成重点任务", 10, "对政府部门承担的市政府重点工作任务完成情况进行考评。", "市府督查室", "市府督查室"),
        ]),
        ("依法行政", 10, [
            ("规范行政行为", 5, "对政府部门在制度建设、行政执法、行政复议、行政诉讼等方面的情况进行考评。", "市法制局", "市法制局"),
            ("深化行政审批制度改革", 5, "对政府部门深化行政审批制度改革,落实创新审批方式改革试点工作情况进行考评。", "市编委办 市发展改革局", "市编委办 市发展改革局"),
        ]),
    ]),
    ("效能建设", 20, [
        ("成本效益", 10, [
            ("行政成本", 5, "对政府部门行政支出公开,降低行政成本的措施和效果进行考评。", "市财政局", "市财政局"),
            ("资金效益", 5, "对政府部门财政支出绩效情况进行考评。", "市财政局", "市财政局"),
        ]),
        ("能力建设", 10, [
            ("效能建设", 5, "对政府部门加强机关效能建设、实施行政管理工作的效率以及在绩效管理考评中公众评价和行政问责等方面存在问题的整改情况进行考评。", "市监察局", "市监察局"),
            ("廉政风险防控管理", 5, "对政府部门开展廉政风险防控管理的情况进行考评。", "市监察局", "市监察局"),
        ]),
    ]),
    ("服务效果", 45, [
        ("领导评价", 10, [
            ("领导评价", 10, "市领导对政府部门工作完成情况进行评价。", "市领导", "市绩效办"),
        ]),
        ("党代表、人大代表、政协委员评价", 5, [
            ("党代表、人大代表、政协委员评价", 5, "市党代表、人大代表及政协委员对政府部门工作完成情况进行评价。", "党代表 人大代表 政协委员", "市绩效办"),
        ]),
        ("部门互评", 5, [
            ("协商沟通、协同配合情况", 5, "对部门之间协商沟通、协同配合情况进行评价。", "政府部门", "市绩效办"),
        ]),
        ("基层评价", 10, [
            ("各单位服务基层效果", 10, "镇区对政府部门服务基层情况进行评价。", "各镇区", "市绩效办"),
        ]),
        ("公众评价", 15, [
            ("服务对象满意度", 15, "对服务对象、企事业单位、居民开展定期调查,了解公众对政府部门服务要求和预期,对各部门工作满意度情况进行评价。", "第三方调查机构", "市绩效办"),
        ]),
    ]),
    ("创新创优", 10, [
        ("创新创优", 10, [
            ("重大工作创新成果及受表彰奖励情况", 10, "对政府部门年度重大工作创新成果和受表彰奖励情况进行评价。", "联席会议", "市绩效办 市人力资源社会保障局"),
        ]),
    ]),
]  # fmt: skip

# 附加项目 行政问责 (-10分): (一级指标, 扣分, 考评内容, 责任部门).
PRINTED_DEDUCTIONS = [
    ("廉政问题", 2, "政府部门发生重大违纪违法问题。", "市监察局"),
    ("安全事故", 2, "发生安全责任事故,政府部门负有一定责任。", "市安监局"),
    ("社会负面影响", 2, "因失职行为,造成重大社会负面影响。", "市监察局"),
    ("预算支出绩效", 2, "预算支出绩效出现重大问题。", "市财政局"),
    ("审计结果", 2, "审计结果出现重大问题。", "市审计局"),
]


@pytest.fixture
def scheme(plan_year, office, government):
    return services.scheme_create(plan_year=plan_year, by=office, template_key="zhongshan_2012")


def test_it_walks_the_printed_table_row_by_row(scheme):
    areas = list(scheme.indicators.filter(parent=None).order_by("order"))
    assert [(a.name, a.max_points) for a in areas] == [(n, Decimal(p)) for n, p, _ in PRINTED]
    for area, (_name, _points, firsts) in zip(areas, PRINTED, strict=True):
        first_level = list(area.children.order_by("order"))
        assert [(f.name, f.max_points) for f in first_level] == [
            (n, Decimal(p)) for n, p, _ in firsts
        ]
        for first, (_n, _p, seconds) in zip(first_level, firsts, strict=True):
            rows = [
                (s.name, s.max_points, s.content, s.body_text, s.responsible_text)
                for s in first.children.order_by("order")
            ]
            assert rows == [(n, Decimal(p), c, b, r) for n, p, c, b, r in seconds]
            for second in first.children.all():
                assert second.body is not None and not second.children.exists()


def test_it_has_10_first_level_and_14_second_level_indicators_totalling_100(scheme):
    areas = scheme.indicators.filter(parent=None)
    first = scheme.indicators.filter(parent__in=areas)
    second = scheme.indicators.filter(parent__in=first)
    assert areas.count() == 4
    assert first.count() == 10
    assert second.count() == 14
    assert sum(a.max_points for a in areas) == Decimal(100)
    assert sum(s.max_points for s in second) == Decimal(100)


def test_every_level_sums_to_its_parent(scheme):
    for node in Indicator.objects.filter(scheme=scheme):
        kids = list(node.children.all())
        if kids:
            assert sum(k.max_points for k in kids) == node.max_points, node.name
    assert services.scheme_errors(scheme) == []


def test_the_accountability_block_is_five_kinds_two_points_each_at_most_ten(scheme):
    rules = list(scheme.deduction_rules.order_by("order"))
    assert [(r.label, r.points_each, r.content, r.responsible_text) for r in rules] == [
        (n, Decimal(p), c, resp) for n, p, c, resp in PRINTED_DEDUCTIONS
    ]
    assert [r.category for r in rules] == [
        "discipline",
        "safety_accident",
        "social_impact",
        "budget_performance",
        "audit",
    ]
    assert scheme.deduction_cap == Decimal(10)
    assert scheme.mode == "points"


def test_scoring_bodies_follow_the_printed_column(scheme):
    leaves = scheme.indicators.filter(children=None).select_related("body")
    kinds = {leaf.name: leaf.body.kind for leaf in leaves}
    assert kinds["领导评价"] == "leaders"
    assert kinds["党代表、人大代表、政协委员评价"] == "deputies"
    assert kinds["协商沟通、协同配合情况"] == "peers"
    assert kinds["各单位服务基层效果"] == "grassroots"
    assert kinds["服务对象满意度"] == "public"
    assert kinds["履行法定职责"] == "department"
    # 行政成本 and 资金效益 are one body (市财政局) and so one sheet per department.
    bodies = {leaf.name: leaf.body_id for leaf in leaves}
    assert bodies["行政成本"] == bodies["资金效益"]
