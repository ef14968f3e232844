"""Built-in scheme templates, as data. ``evaluation.services.scheme_create`` turns one into rows.

- ``zhongshan_2012``: 中山市政府部门绩效管理指标体系 (附件1 of 中山市政府部门绩效管理暂行办法,
  2012), exactly as printed: four areas (三效一创), 10 first-level and 14 second-level
  indicators, 100 points, each with its 考评内容, 考评主体 and 责任部门; and the 附加项目 行政问责
  (five kinds, 2 points each, at most 10; Art. 20). Departments are ranked within the three
  categories of Art. 21. 深化行政审批制度改革 is scored by both bodies printed (市编委办 and
  市发展改革局). No joint liability (that is Baoshan's); the grade bands are the system's
  default, not the measures'; Art. 23's bonus outcomes are configured.
- ``baoshan``: Baoshan district's four sources weighted 35 / 25 / 20 / 20 (district leaders,
  management departments, third party, objective data of the three service centres — here the
  objective data our own records hold), with joint liability (条块连坐).
- ``wuhan``: Wuhan's 达标管理: every item a fixed value, one failed item fails the whole.

Strings are the printed Chinese (data, not interface text), copied character for character,
including the document's ASCII commas.
"""

from decimal import Decimal as D

# A body: key, name, kind, optional weight, and department names its sheets usually go to
# (matched against the city's departments when the scheme is built; otherwise the general office
# that builds the scheme enters the figures — Zhongshan: "由市绩效办组织").
ZHONGSHAN_BODIES = [
    ("bianwei", "市编委办", "department", None, ["市编委办", "市委编办", "编委办"]),
    ("duchashi", "市府督查室", "department", None, ["市政府督查室", "市府督查室"]),
    ("fazhi", "市法制局", "department", None, ["市法制局", "市司法局"]),
    # 深化行政审批制度改革 names two 考评主体 (Art. 19(二); 附件2: 市发展改革局 协助市编委办).
    ("fagai", "市发展改革局", "department", None, ["市发展改革局"]),
    ("caizheng", "市财政局", "department", None, ["市财政局"]),
    ("jiancha", "市监察局", "department", None, ["市监察局", "市纪委监委"]),
    ("lingdao", "市领导", "leaders", None, []),
    ("daibiao", "党代表、人大代表、政协委员", "deputies", None, []),
    ("huping", "政府部门（部门互评）", "peers", None, []),
    ("zhenqu", "各镇区", "grassroots", None, []),
    ("diaocha", "第三方调查机构", "public", None, []),
    ("lianxi", "联席会议", "department", None, []),
]

# (name, points, [children]) for inner nodes; leaves are dicts.
ZHONGSHAN_TREE = [
    (
        "履职效率",
        D(25),
        [
            (
                "职责任务",
                D(15),
                [
                    {
                        "name": "履行法定职责",
                        "points": D(5),
                        "content": "对政府部门履行“三定”主要职责情况进行考评。",
                        "body": "bianwei",
                        "body_text": "市编委办",
                        "responsible": "市编委办",
                    },
                    {
                        "name": "完成重点任务",
                        "points": D(10),
                        "content": "对政府部门承担的市政府重点工作任务完成情况进行考评。",
                        "body": "duchashi",
                        "body_text": "市府督查室",
                        "responsible": "市府督查室",
                    },
                ],
            ),
            (
                "依法行政",
                D(10),
                [
                    {
                        "name": "规范行政行为",
                        "points": D(5),
                        "content": "对政府部门在制度建设、行政执法、行政复议、行政诉讼等方面的情况进行考评。",
                        "body": "fazhi",
                        "body_text": "市法制局",
                        "responsible": "市法制局",
                    },
                    {
                        "name": "深化行政审批制度改革",
                        "points": D(5),
                        "content": "对政府部门深化行政审批制度改革,落实创新审批方式改革试点工作情况进行考评。",
                        "body": "bianwei",
                        "co_bodies": ["fagai"],
                        "body_text": "市编委办 市发展改革局",
                        "responsible": "市编委办 市发展改革局",
                    },
                ],
            ),
        ],
    ),
    (
        "效能建设",
        D(20),
        [
            (
                "成本效益",
                D(10),
                [
                    {
                        "name": "行政成本",
                        "points": D(5),
                        "content": "对政府部门行政支出公开,降低行政成本的措施和效果进行考评。",
                        "body": "caizheng",
                        "body_text": "市财政局",
                        "responsible": "市财政局",
                    },
                    {
                        "name": "资金效益",
                        "points": D(5),
                        "content": "对政府部门财政支出绩效情况进行考评。",
                        "body": "caizheng",
                        "body_text": "市财政局",
                        "responsible": "市财政局",
                    },
                ],
            ),
            (
                "能力建设",
                D(10),
                [
                    {
                        "name": "效能建设",
                        "points": D(5),
                        "content": "对政府部门加强机关效能建设、实施行政管理工作的效率以及在绩效管理考评中公众评价和行政问责等方面存在问题的整改情况进行考评。",
                        "body": "jiancha",
                        "body_text": "市监察局",
                        "responsible": "市监察局",
                    },
                    {
                        "name": "廉政风险防控管理",
                        "points": D(5),
                        "content": "对政府部门开展廉政风险防控管理的情况进行考评。",
                        "body": "jiancha",
                        "body_text": "市监察局",
                        "responsible": "市监察局",
                    },
                ],
            ),
        ],
    ),
    (
        "服务效果",
        D(45),
        [
            (
                "领导评价",
                D(10),
                [
                    {
                        "name": "领导评价",
                        "points": D(10),
                        "content": "市领导对政府部门工作完成情况进行评价。",
                        "body": "lingdao",
                        "body_text": "市领导",
                        "responsible": "市绩效办",
                    }
                ],
            ),
            (
                "党代表、人大代表、政协委员评价",
                D(5),
                [
                    {
                        "name": "党代表、人大代表、政协委员评价",
                        "points": D(5),
                        "content": "市党代表、人大代表及政协委员对政府部门工作完成情况进行评价。",
                        "body": "daibiao",
                        "body_text": "党代表 人大代表 政协委员",
                        "responsible": "市绩效办",
                    }
                ],
            ),
            (
                "部门互评",
                D(5),
                [
                    {
                        "name": "协商沟通、协同配合情况",
                        "points": D(5),
                        "content": "对部门之间协商沟通、协同配合情况进行评价。",
                        "body": "huping",
                        "body_text": "政府部门",
                        "responsible": "市绩效办",
                    }
                ],
            ),
            (
                "基层评价",
                D(10),
                [
                    {
                        "name": "各单位服务基层效果",
                        "points": D(10),
                        "content": "镇区对政府部门服务基层情况进行评价。",
                        "body": "zhenqu",
                        "body_text": "各镇区",
                        "responsible": "市绩效办",
                    }
                ],
            ),
            (
                "公众评价",
                D(15),
                [
                    {
                        "name": "服务对象满意度",
                        "points": D(15),
                        "content": "对服务对象、企事业单位、居民开展定期调查,了解公众对政府部门服务要求和预期,对各部门工作满意度情况进行评价。",
                        "body": "diaocha",
                        "body_text": "第三方调查机构",
                        "responsible": "市绩效办",
                    }
                ],
            ),
        ],
    ),
    (
        "创新创优",
        D(10),
        [
            (
                "创新创优",
                D(10),
                [
                    {
                        "name": "重大工作创新成果及受表彰奖励情况",
                        "points": D(10),
                        "content": "对政府部门年度重大工作创新成果和受表彰奖励情况进行评价。",
                        "body": "lianxi",
                        "body_text": "联席会议",
                        "responsible": "市绩效办 市人力资源社会保障局",
                    }
                ],
            ),
        ],
    ),
]

# 附加项目 行政问责 (-10分): (category, label, content, 考评主体, 责任部门).
ZHONGSHAN_DEDUCTIONS = [
    ("discipline", "廉政问题", "政府部门发生重大违纪违法问题。", "市监察局", "市监察局"),
    (
        "safety_accident",
        "安全事故",
        "发生安全责任事故,政府部门负有一定责任。",
        "市监察局",
        "市安监局",
    ),
    ("social_impact", "社会负面影响", "因失职行为,造成重大社会负面影响。", "市监察局", "市监察局"),
    ("budget_performance", "预算支出绩效", "预算支出绩效出现重大问题。", "市监察局", "市财政局"),
    ("audit", "审计结果", "审计结果出现重大问题。", "市监察局", "市审计局"),
]

# Grade bands the measures leave to the office (Art. 21–23 name categories and results, not
# bands): the system's default (a common practice: 优秀 at most 20% of the category), marked so
# on the scheme and editable per scheme.
STANDARD_BANDS = [
    ("优秀", D(90), D(20)),
    ("良好", D(80), None),
    ("合格", D(60), None),
    ("不合格", None, None),
]

TEMPLATES = {
    "zhongshan_2012": {
        "label": "中山市政府部门绩效管理指标体系（2012）",
        "name": "政府部门绩效管理考评方案（三效一创）",
        "mode": "points",
        "bodies": ZHONGSHAN_BODIES,
        "tree": ZHONGSHAN_TREE,
        "deductions": ZHONGSHAN_DEDUCTIONS,
        "points_each": D(2),
        "deduction_cap": D(10),
        "joint": (D(100), D(0), D(0)),
        # 条块连坐 is Baoshan's, not in the Zhongshan measures.
        "joint_liability": False,
        "bands": STANDARD_BANDS,
        # Art. 23: 绩效奖金 from 合格 up, more for the best, cuts for accountability or a missed
        # major task. "一定比例" is not fixed by the measures: 10% is the system's default.
        "outcomes": ("合格", "优秀", D(10), D(10)),
    },
    "baoshan": {
        "label": "宝山区四方评价（35/25/20/20）",
        "name": "政府系统运行目标绩效考核方案（四方评价）",
        "mode": "weighted",
        "bodies": [
            ("leaders", "区领导综合评价", "leaders", D(35), []),
            ("management", "区管理部门评价", "department", D(25), []),
            ("third_party", "第三方评估", "third_party", D(20), []),
            ("centres", "“三个中心”客观数据评价", "objective", D(20), []),
        ],
        "tree": [
            {
                "name": "区领导综合评价",
                "points": D(100),
                "content": "区领导对部门年度目标完成情况的综合评价。",
                "body": "leaders",
                "body_text": "区领导",
                "responsible": "区目标办",
            },
            {
                "name": "区管理部门评价",
                "points": D(100),
                "content": "区管理部门对部门目标执行、督查整改情况的评价。",
                "body": "management",
                "body_text": "区管理部门",
                "responsible": "区目标办",
            },
            {
                "name": "第三方评估",
                "points": D(100),
                "content": "第三方评估小组通过市民访谈、问卷调查、人大代表与政协委员监督检查等方式提出的评估意见。",
                "body": "third_party",
                "body_text": "第三方评估小组",
                "responsible": "区目标办",
            },
            (
                "客观数据评价",
                D(100),
                [
                    {
                        "name": "目标办结率",
                        "points": D(50),
                        "content": "部门牵头目标中通过办结审核的比例（系统计算）。",
                        "body": "centres",
                        "body_text": "系统客观数据",
                        "responsible": "区目标办",
                        "metric": "targets_completed_share",
                    },
                    {
                        "name": "节点目标完成率",
                        "points": D(50),
                        "content": "部门牵头目标的季度节点目标完成比例（系统计算）。",
                        "body": "centres",
                        "body_text": "系统客观数据",
                        "responsible": "区目标办",
                        "metric": "milestones_achieved_share",
                    },
                ],
            ),
        ],
        "deductions": [],
        "points_each": D(0),
        "deduction_cap": None,
        # 条块连坐: the street (属地) and the functional departments answer together.
        "joint": (D(100), D(50), D(50)),
        "joint_liability": True,
        "bands": STANDARD_BANDS,
    },
    "wuhan": {
        "label": "武汉市达标管理",
        "name": "目标达标考核方案",
        "mode": "pass_fail",
        "bodies": [
            ("office", "市目标办", "department", None, []),
            ("objective", "系统客观数据", "objective", None, []),
        ],
        "tree": [
            {
                "name": "年度目标全部办结",
                "points": D(0),
                "content": "部门牵头的每一项年度目标均通过办结审核（一项未办结即不达标）。",
                "body": "objective",
                "body_text": "系统客观数据",
                "responsible": "市目标办",
                "metric": "targets_completed_share",
            },
            {
                "name": "节点目标全部完成",
                "points": D(0),
                "content": "每一个季度节点目标均按时完成。",
                "body": "objective",
                "body_text": "系统客观数据",
                "responsible": "市目标办",
                "metric": "milestones_achieved_share",
            },
            {
                "name": "必达目标结硬账",
                "points": D(0),
                "content": "市委市政府确定的必达目标（如新增就业岗位、再就业安置）逐项达到确定值。",
                "body": "office",
                "body_text": "市目标办",
                "responsible": "市目标办",
            },
        ],
        "deductions": [],
        "points_each": D(0),
        "deduction_cap": None,
        "joint": (D(100), D(0), D(0)),
        "joint_liability": False,
        "bands": [],
    },
}


def template_choices() -> list[tuple[str, str]]:
    return [(key, t["label"]) for key, t in TEMPLATES.items()]
