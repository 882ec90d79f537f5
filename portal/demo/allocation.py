"""Demo allocation: need groups, funding streams, enrollment by group, last year's allocations,
the guidebook's Table 2.2 weights (adopted) and a "what if" scenario. Safe to load twice."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AllocationScenario,
    Enrollment,
    FundingStream,
    NeedGroup,
    PriorAllocation,
    School,
    SchoolYear,
)
from portal.models.allocation import ScenarioStatus
from portal.services import allocation_setup as setup
from portal.services.allocation import Policy, SchoolInput, allocate

GROUPS = [
    (
        "poverty",
        {
            "en": "students in poverty",
            "es": "estudiantes en situación de pobreza",
            "zh_Hans": "贫困学生",
            "vi": "học sinh thuộc diện nghèo",
            "ar": "الطلاب من الأسر الفقيرة",
        },
    ),
    (
        "el",
        {
            "en": "English learners",
            "es": "estudiantes que aprenden inglés",
            "zh_Hans": "英语学习者",
            "vi": "học sinh đang học tiếng Anh",
            "ar": "متعلمي اللغة الإنجليزية",
        },
    ),
    (
        "sped",
        {
            "en": "students in special education",
            "es": "estudiantes de educación especial",
            "zh_Hans": "特殊教育学生",
            "vi": "học sinh giáo dục đặc biệt",
            "ar": "طلاب التربية الخاصة",
        },
    ),
]
# Guidebook Table 2.2, in cents; continuation schools use the high-school row.
TABLE_2_2 = {
    "elementary": {"all": 374100, "poverty": 127200, "el": 63600, "sped": 344200},
    "middle": {"all": 366700, "poverty": 124700, "el": 51300, "sped": 315400},
    "high": {"all": 468300, "poverty": 107700, "el": 74900, "sped": 388700},
}
TABLE_2_2["other"] = dict(TABLE_2_2["high"])
# Share of each school's students in poverty, learning English, in special education (percent).
NEEDS = {
    "cesar-chavez-elementary": (68, 66, 11),
    "oak-grove-elementary": (41, 22, 12),
    "lincoln-elementary": (23, 9, 10),
    "harbor-view-elementary": (57, 44, 13),
    "sequoia-middle": (38, 17, 12),
    "frederick-douglass-middle": (61, 28, 14),
    "riverbend-high": (35, 12, 11),
    "eastside-high": (58, 21, 13),
    "bridgeway-continuation": (74, 31, 18),
}


def _year(district_id: int) -> SchoolYear:
    return db.session.scalars(
        select(SchoolYear).where(SchoolYear.district_id == district_id, SchoolYear.is_current)
    ).one()


def load_allocation_demo(district, actor) -> None:
    """Need groups, enrollment, last year's allocations, streams and scenarios for the current
    year; `actor` (district staff) adopts the formula."""
    district_id = district.id
    year = _year(district_id)
    for position, (key, name) in enumerate(GROUPS):
        group = db.session.scalars(
            select(NeedGroup).where(NeedGroup.district_id == district_id, NeedGroup.key == key)
        ).first() or NeedGroup(district_id=district_id, key=key)
        group.name, group.position, group.source_locale = dict(name), position, "en"
        db.session.add(group)
    schools = list(db.session.scalars(select(School).where(School.district_id == district_id)))
    for school in schools:
        poverty, el, sped = NEEDS.get(school.slug, (40, 20, 12))
        counts = {
            "all": school.enrollment,
            "poverty": school.enrollment * poverty // 100,
            "el": school.enrollment * el // 100,
            "sped": school.enrollment * sped // 100,
        }
        for key, pupils in counts.items():
            row = db.session.get(Enrollment, (school.id, year.id, key)) or Enrollment(
                school_id=school.id, school_year_id=year.id, group_key=key
            )
            row.pupils = pupils
            db.session.add(row)
    db.session.flush()
    inputs = [
        SchoolInput(
            s.id,
            s.level,
            {
                k: e.pupils
                for k, e in (
                    (e.group_key, e)
                    for e in db.session.scalars(
                        select(Enrollment).where(
                            Enrollment.school_id == s.id, Enrollment.school_year_id == year.id
                        )
                    )
                )
            },
        )
        for s in schools
    ]
    needed = allocate(inputs, Policy(TABLE_2_2, 10**13)).total_cents
    for s, allocation in zip(
        schools, allocate(inputs, Policy(TABLE_2_2, 10**13)).schools, strict=True
    ):
        prior = db.session.get(PriorAllocation, (s.id, year.id)) or PriorAllocation(
            school_id=s.id, school_year_id=year.id
        )
        # Last year's staffing-formula allocations: close to the new one, not the same.
        prior.cents = allocation.total_cents * (92 + (s.id * 7) % 13) // 100
        db.session.add(prior)
    # Formula revenue that covers the weights with 10% held centrally, rounded up to $100,000.
    formula_revenue = -(-needed * 10 // 9 // 10_000_000) * 10_000_000
    streams = [
        (
            "base",
            {
                "en": "Base grant (unrestricted)",
                "es": "Subvención base (sin restricciones)",
                "zh_Hans": "基本拨款（无限制）",
                "vi": "Khoản cấp cơ bản (không hạn chế)",
                "ar": "المنحة الأساسية (غير مقيَّدة)",
            },
            "unrestricted",
            {},
            formula_revenue * 80 // 100,
            "formula",
            0,
            [],
        ),
        (
            "supplemental",
            {
                "en": "Supplemental and concentration grant",
                "es": "Subvención suplementaria y de concentración",
                "zh_Hans": "补充和集中拨款",
                "vi": "Khoản cấp bổ sung và tập trung",
                "ar": "المنحة التكميلية ومنحة التركيز",
            },
            "restricted",
            {
                "en": "Must pay for more or better services for students in poverty, English learners and foster youth.",
                "es": "Debe pagar más o mejores servicios para estudiantes en pobreza, que aprenden inglés o en hogares de acogida.",
                "zh_Hans": "必须用于为贫困学生、英语学习者和寄养青少年提供更多或更好的服务。",
                "vi": "Phải dùng để tăng hoặc cải thiện dịch vụ cho học sinh nghèo, học sinh học tiếng Anh và trẻ được nhận nuôi.",
                "ar": "يجب أن تُنفق على خدمات أكثر أو أفضل للطلاب من الأسر الفقيرة ومتعلمي اللغة الإنجليزية والشباب في الرعاية البديلة.",
            },
            formula_revenue - formula_revenue * 80 // 100,
            "formula",
            0,
            [],
        ),
        (
            "title-i",
            {
                "en": "Title I (federal)",
                "es": "Título I (federal)",
                "zh_Hans": "第一条款（联邦）",
                "vi": "Tiêu đề I (liên bang)",
                "ar": "الباب الأول (اتحادي)",
            },
            "restricted",
            {
                "en": "Must add to, not replace, help for students at risk of falling behind in schools with many families in poverty.",
                "es": "Debe sumarse, no reemplazar, la ayuda a estudiantes en riesgo en escuelas con muchas familias en pobreza.",
                "zh_Hans": "必须用于在贫困家庭较多的学校中为有落后风险的学生提供额外帮助，而不是替代原有帮助。",
                "vi": "Phải bổ sung, không thay thế, sự hỗ trợ cho học sinh có nguy cơ tụt lại ở các trường có nhiều gia đình nghèo.",
                "ar": "يجب أن تُضاف إلى المساعدة المقدَّمة للطلاب المعرَّضين لخطر التأخر في المدارس التي فيها كثير من الأسر الفقيرة، لا أن تحلّ محلها.",
            },
            0,
            "grant",
            15_000_000,
            [
                "cesar-chavez-elementary",
                "harbor-view-elementary",
                "frederick-douglass-middle",
                "eastside-high",
                "bridgeway-continuation",
            ],
        ),
        (
            "special-ed",
            {
                "en": "Special education (held centrally)",
                "es": "Educación especial (administrada por el distrito)",
                "zh_Hans": "特殊教育（由学区统一管理）",
                "vi": "Giáo dục đặc biệt (học khu quản lý)",
                "ar": "التربية الخاصة (تديرها المنطقة التعليمية)",
            },
            "restricted",
            {
                "en": "Pays for services in students' individual education programs, arranged by the district.",
                "es": "Paga los servicios de los programas educativos individualizados, organizados por el distrito.",
                "zh_Hans": "用于支付学生个别化教育计划中的服务，由学区统一安排。",
                "vi": "Chi trả các dịch vụ trong chương trình giáo dục cá nhân của học sinh, do học khu sắp xếp.",
                "ar": "تدفع تكاليف الخدمات الواردة في برامج التعليم الفردية للطلاب، وتنظّمها المنطقة التعليمية.",
            },
            450_000_000,
            "central",
            0,
            [],
        ),
    ]
    by_slug = {s.slug: s for s in schools}
    existing = {
        (s.name or {}).get("en"): s
        for s in db.session.scalars(
            select(FundingStream).where(FundingStream.school_year_id == year.id)
        )
    }
    for position, (
        _key,
        name,
        kind,
        restriction,
        revenue,
        distribution,
        grant,
        eligible,
    ) in enumerate(streams):
        stream = existing.get(name["en"]) or FundingStream(
            district_id=district_id, school_year_id=year.id
        )
        stream.name, stream.kind, stream.restriction = dict(name), kind, dict(restriction)
        stream.revenue_cents, stream.distribution, stream.grant_cents = revenue, distribution, grant
        stream.position, stream.source_locale = position, "en"
        stream.eligible_schools = [by_slug[slug] for slug in eligible if slug in by_slug]
        db.session.add(stream)
    # The scenarios as the allocation workspace makes them: written, then Table 2.2 adopted
    # (services.allocation_setup; adopting one puts any other adopted one back to draft).
    db.session.flush()
    scenarios = {
        "Guidebook weights (Table 2.2)": (TABLE_2_2, ScenarioStatus.ADOPTED),
        "What if: more for English learners": (
            {level: {**w, "el": w["el"] * 2} for level, w in TABLE_2_2.items()},
            ScenarioStatus.DRAFT,
        ),
    }
    for name, (weights, status) in scenarios.items():
        scenario = db.session.scalars(
            select(AllocationScenario).where(
                AllocationScenario.school_year_id == year.id, AllocationScenario.name == name
            )
        ).first() or setup.add_scenario(district, year, actor, name=name)
        setup.edit_scenario(
            scenario,
            actor,
            name=name,
            weights=weights,
            central_share_bp=1000,
            minimum_cents=100_000_000,  # $1,000,000 minimum operational budget
            hold_harmless=False,
        )
        if scenario.status != status:
            setup.move_scenario(scenario, status, actor)
    db.session.flush()
