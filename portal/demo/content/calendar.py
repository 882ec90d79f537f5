"""The demo school year's calendar: the phases, what every school must hold, district-wide
deadlines and the events every school holds (its site council's dates become meetings where the
council is on the portal)."""

from portal.demo.content.planning import T

# The district's phase dates, the same every year: (phase, (month, day) first, (month, day) last).
PHASES = [
    ("engage", (7, 1), (8, 31)),
    ("reflect", (9, 1), (11, 30)),
    ("prioritize", (12, 1), (2, 28)),
    ("decide", (3, 1), (6, 30)),
]
# What every school must hold this year: (phase, event kind, how many, due (month, day)).
REQUIREMENTS = [
    ("reflect", "site_council", 2, (10, 15)),
    ("reflect", "survey_window", 1, (10, 1)),
    ("prioritize", "site_council", 1, (12, 15)),
    ("decide", "budget_review", 1, (2, 15)),
]
# (phase, kind, title, month, day, hour, interpretation, childcare, committee)
SCHOOL_EVENTS = [
    (
        "engage",
        "training",
        T(
            "Site council training",
            "Capacitación del consejo escolar",
            "学校管理委员会培训",
            "Tập huấn hội đồng trường",
        ),
        8,
        20,
        17,
        True,
        False,
        "ssc",
    ),
    (
        "reflect",
        "site_council",
        T(
            "Site council: review last year's data",
            "Consejo escolar: revisar los datos del año pasado",
            "学校管理委员会：回顾去年的数据",
            "Hội đồng trường: xem lại dữ liệu năm trước",
        ),
        10,
        8,
        18,
        True,
        True,
        "ssc",
    ),
    (
        "reflect",
        "survey_window",
        T(
            "Family survey opens",
            "Se abre la encuesta para familias",
            "家庭问卷开放",
            "Mở khảo sát gia đình",
        ),
        10,
        15,
        8,
        False,
        False,
        "",
    ),
    (
        "reflect",
        "focus_group",
        T(
            "Focus group for parents of English learners",
            "Grupo de enfoque para padres de estudiantes de inglés",
            "英语学习者家长焦点小组",
            "Nhóm thảo luận cho phụ huynh học sinh học tiếng Anh",
        ),
        11,
        18,
        18,
        True,
        True,
        "elac",
    ),
    (
        "reflect",
        "site_council",
        T(
            "Site council: begin setting goals",
            "Consejo escolar: empezar a fijar metas",
            "学校管理委员会：开始制定目标",
            "Hội đồng trường: bắt đầu đặt mục tiêu",
        ),
        12,
        3,
        18,
        True,
        True,
        "ssc",
    ),
    (
        "prioritize",
        "site_council",
        T(
            "Site council: set priorities",
            "Consejo escolar: fijar prioridades",
            "学校管理委员会：确定优先事项",
            "Hội đồng trường: xác định ưu tiên",
        ),
        1,
        21,
        18,
        True,
        True,
        "ssc",
    ),
    (
        "prioritize",
        "committee",
        T(
            "ELAC: advice on the plan",
            "ELAC: consejos sobre el plan",
            "ELAC：对计划的建议",
            "ELAC: góp ý cho kế hoạch",
        ),
        2,
        4,
        18,
        True,
        True,
        "elac",
    ),
    (
        "decide",
        "budget_review",
        T(
            "Budget review with families",
            "Revisión del presupuesto con las familias",
            "与家庭一起审查预算",
            "Xem xét ngân sách cùng gia đình",
        ),
        3,
        25,
        18,
        True,
        True,
        "ssc",
    ),
    (
        "decide",
        "site_council",
        T(
            "Site council: approve the plan and budget",
            "Consejo escolar: aprobar el plan y el presupuesto",
            "学校管理委员会：批准计划和预算",
            "Hội đồng trường: phê duyệt kế hoạch và ngân sách",
        ),
        4,
        22,
        18,
        True,
        True,
        "ssc",
    ),
]
DISTRICT_EVENTS = [
    (
        "prioritize",
        "deadline",
        T(
            "District releases school allocations",
            "El distrito publica las asignaciones de las escuelas",
            "学区公布各校拨款",
            "Học khu công bố phân bổ cho các trường",
        ),
        2,
        15,
        9,
    ),
    (
        "decide",
        "deadline",
        T(
            "School plans due to the district",
            "Fecha límite para entregar los planes escolares",
            "学校计划提交截止日",
            "Hạn nộp kế hoạch trường cho học khu",
        ),
        5,
        15,
        17,
    ),
]
