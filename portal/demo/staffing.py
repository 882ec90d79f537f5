"""Demo people: the district's list of staff roles (with finance job codes and names in every
demo language), a salary table for every demo school year, the base program's rules, and the
positions that make each demo plan a whole-school budget. Positions are planning.Investment
rows with a role and an FTE, priced FTE x the year's full-time rate (services/positions.py),
each paid in full from one funding stream (positions.sync_stream_line). Safe to run again:
roles and rates are updated in place, rules replaced (plans are rebuilt by planning.py)."""

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from portal.demo.content.planning import T
from portal.extensions import db
from portal.models import BaseProgramRule, Investment, SalaryRate, SchoolYear, StaffRole
from portal.models.staffing import Recurrence, RoleGroup
from portal.services import positions
from portal.services.budget_rules import fte_cost, required_fte

# (code, group, spending category, salary and benefits in whole dollars for 2026-27, name)
ROLES = [
    ("1110", RoleGroup.ADMINISTRATOR, "1000", 138_000, 44_000,
     T("Principal", "Director(a)", "校长", "Hiệu trưởng", "مدير المدرسة")),
    ("1120", RoleGroup.ADMINISTRATOR, "1000", 116_000, 38_000,
     T("Assistant principal", "Subdirector(a)", "副校长", "Phó hiệu trưởng", "وكيل المدرسة")),
    ("1210", RoleGroup.TEACHER, "1000", 64_000, 22_000,
     T("Teacher, grades K-5", "Maestro(a), kínder a 5.º grado", "教师（幼儿园至五年级）",
       "Giáo viên, mẫu giáo đến lớp 5", "معلم، من الروضة إلى الصف الخامس")),
    ("1220", RoleGroup.TEACHER, "1000", 65_500, 22_500,
     T("Teacher, grades 6-8", "Maestro(a), 6.º a 8.º grado", "教师（六至八年级）",
       "Giáo viên, lớp 6 đến lớp 8", "معلم، من الصف السادس إلى الثامن")),
    ("1230", RoleGroup.TEACHER, "1000", 67_000, 23_000,
     T("Subject teacher, grades 9-12", "Maestro(a) de materia, 9.º a 12.º grado",
       "学科教师（九至十二年级）", "Giáo viên bộ môn, lớp 9 đến lớp 12",
       "معلم مادة، من الصف التاسع إلى الثاني عشر")),
    ("1240", RoleGroup.SPECIAL_EDUCATION, "1000", 68_000, 24_000,
     T("Special education teacher", "Maestro(a) de educación especial", "特殊教育教师",
       "Giáo viên giáo dục đặc biệt", "معلم التربية الخاصة")),
    ("2110", RoleGroup.AIDE, "2000", 34_000, 15_000,
     T("Instructional aide", "Asistente de instrucción", "教学助理", "Trợ giảng",
       "مساعد تعليمي")),
    ("1310", RoleGroup.COUNSELOR, "1000", 72_000, 25_000,
     T("Counselor", "Consejero(a)", "辅导员", "Nhân viên tư vấn", "مرشد طلابي")),
    ("1320", RoleGroup.NURSE, "1000", 76_000, 25_000,
     T("School nurse", "Enfermero(a) escolar", "校医护士", "Y tá trường học", "ممرض المدرسة")),
    ("1330", RoleGroup.LIBRARIAN, "1000", 66_000, 23_000,
     T("Librarian", "Bibliotecario(a)", "图书馆员", "Thủ thư", "أمين المكتبة")),
    ("1340", RoleGroup.COORDINATOR, "1000", 78_000, 26_000,
     T("Program coordinator", "Coordinador(a) de programa", "项目协调员", "Điều phối viên chương trình",
       "منسق برنامج")),
    ("2210", RoleGroup.OFFICE, "2000", 54_000, 20_000,
     T("Office manager", "Administrador(a) de oficina", "办公室主任", "Quản lý văn phòng",
       "مدير المكتب")),
    ("2220", RoleGroup.OFFICE, "2000", 40_000, 17_000,
     T("Office clerk", "Auxiliar de oficina", "办公室文员", "Nhân viên văn phòng", "كاتب المكتب")),
    ("2310", RoleGroup.CUSTODIAL, "2000", 44_000, 18_000,
     T("Custodian", "Conserje", "校工", "Nhân viên vệ sinh", "عامل النظافة والصيانة")),
    ("2900", RoleGroup.OTHER, "2000", 42_000, 17_000,
     T("Other staff", "Otro personal", "其他员工", "Nhân viên khác", "موظفون آخرون")),
]  # fmt: skip
TEACHER = {"elementary": "1210", "middle": "1220", "high": "1230", "other": "1230"}
# Rates rise 3% a year: an earlier year costs 100/103 of the next, to the dollar hundred.
RAISE_PERCENT = 3

# The base program: (role code, level or None for every school, minimum FTE, students per FTE).
RULES = [
    ("1110", None, 100, None),
    ("1210", "elementary", 0, 24),
    ("1220", "middle", 0, 26),
    ("1230", "high", 0, 28),
    ("2210", None, 100, None),
    ("2310", None, 100, None),
]
# Oak Grove's budget keeps its K-5 teachers a little short of 1 per 24: the district's review
# shows that check failing.
SHORT_SCHOOL = "oak-grove-elementary"

# Goal positions and start-up costs: school -> [(goal index, role code or None, FTE or dollars,
# stream key, recurrence, description)].
GOAL_ITEMS = {
    "cesar-chavez-elementary": [
        (
            0,
            "1340",
            100,
            "supplemental",
            "ongoing",
            T(
                "Reading coordinator",
                "Coordinador(a) de lectura",
                "阅读协调员",
                "Điều phối viên đọc",
                "منسق القراءة",
            ),
        ),
        (
            0,
            "2110",
            150,
            "title-i",
            "ongoing",
            T(
                "Aides for the small reading groups",
                "Asistentes para los grupos pequeños de lectura",
                "小组阅读助理",
                "Trợ giảng cho các nhóm đọc nhỏ",
                "مساعدون لمجموعات القراءة الصغيرة",
            ),
        ),
        (
            0,
            None,
            14_000,
            "base",
            "one_time",
            T(
                "Start-up technology: tablets for the reading groups",
                "Tecnología inicial: tabletas para los grupos de lectura",
                "启动技术：阅读小组用平板电脑",
                "Công nghệ ban đầu: máy tính bảng cho các nhóm đọc",
                "تقنية البداية: أجهزة لوحية لمجموعات القراءة",
            ),
        ),
    ],
    "oak-grove-elementary": [
        (
            0,
            "2110",
            100,
            "supplemental",
            "ongoing",
            T("Classroom aide for math groups", "Asistente de aula para grupos de matemáticas"),
        ),
        (
            1,
            "1310",
            50,
            "supplemental",
            "ongoing",
            T("Counselor for attendance, half time", "Consejero(a) de asistencia, medio tiempo"),
        ),
        (
            0,
            None,
            18_000,
            "base",
            "one_time",
            T(
                "Start-up technology: a laptop cart for math practice",
                "Tecnología inicial: un carrito de computadoras portátiles para practicar matemáticas",
            ),
        ),
    ],
    "frederick-douglass-middle": [
        (
            0,
            "2110",
            100,
            "title-i",
            "ongoing",
            T(
                "Math aide in the double-period classes",
                "Asistente de matemáticas en las clases dobles",
            ),
        ),
        (
            1,
            None,
            22_000,
            "base",
            "one_time",
            T(
                "Start-up technology: laptops for the newcomer program",
                "Tecnología inicial: computadoras portátiles para el programa de recién llegados",
            ),
        ),
    ],
    "eastside-high": [
        (
            0,
            "1310",
            100,
            "supplemental",
            "ongoing",
            T(
                "Counselor for students behind on credits",
                "Consejero(a) para estudiantes atrasados en créditos",
            ),
        ),
        (
            0,
            "2110",
            100,
            "title-i",
            "ongoing",
            T("Aide for credit recovery", "Asistente para la recuperación de créditos"),
        ),
        (
            0,
            None,
            25_000,
            "base",
            "one_time",
            T(
                "Start-up technology: laptops for online credit recovery",
                "Tecnología inicial: computadoras portátiles para recuperar créditos en línea",
            ),
        ),
    ],
}
EXTRA_TEACHERS = T(
    "Teachers for smaller classes where students need more help",
    "Maestros para clases más pequeñas donde los alumnos necesitan más ayuda",
)
EXTRA_AIDES = T(
    "Aides for students who need more help", "Asistentes para los alumnos que necesitan más ayuda"
)


def _rounded(dollars: int, years_before: int) -> int:
    """Cents: `dollars` taken back `years_before` raises, to the nearest hundred dollars."""
    value = dollars * 100**years_before
    value = (2 * value + 103**years_before * 100) // (2 * 103**years_before * 100) * 100
    return value * 100


def load_staffing_demo(district, categories) -> dict:
    """Roles, a salary table for every demo year, the base program. Returns the roles by code."""
    existing = {
        r.code: r
        for r in db.session.scalars(select(StaffRole).where(StaffRole.district_id == district.id))
    }
    roles = {}
    for position, (code, group, _category, _salary, _benefits, name) in enumerate(ROLES):
        role = existing.get(code) or StaffRole(district_id=district.id, code=code)
        role.name, role.group, role.position, role.source_locale = name, group, position, "en"
        db.session.add(role)
        roles[code] = role
    db.session.flush()
    years = list(
        db.session.scalars(
            select(SchoolYear)
            .where(SchoolYear.district_id == district.id)
            .order_by(SchoolYear.starts_on.desc())
        )
    )
    rates = {
        (r.staff_role_id, r.school_year_id): r
        for r in db.session.scalars(
            select(SalaryRate).where(SalaryRate.staff_role_id.in_([r.id for r in roles.values()]))
        )
    }
    for back, year in enumerate(years):
        for code, _group, _category, salary, benefits, _name in ROLES:
            role = roles[code]
            rate = rates.get((role.id, year.id)) or SalaryRate(
                staff_role_id=role.id, school_year_id=year.id
            )
            rate.salary_cents = _rounded(salary, back)
            rate.benefits_cents = _rounded(benefits, back)
            db.session.add(rate)
    db.session.execute(delete(BaseProgramRule).where(BaseProgramRule.district_id == district.id))
    for position, (code, level, minimum, per) in enumerate(RULES):
        db.session.add(
            BaseProgramRule(
                district_id=district.id,
                staff_role_id=roles[code].id,
                level=level,
                minimum_fte=minimum,
                students_per_fte=per,
                position=position,
            )
        )
    db.session.flush()
    return roles


@dataclass
class _Budget:
    """What each stream still has while positions are added to one school's plan."""

    plan: object
    rates: dict  # role id -> SalaryRate
    roles: dict  # code -> StaffRole
    categories: dict  # code -> InvestmentCategory
    left: dict  # stream id -> cents
    rows: dict = field(default_factory=dict)  # (code, goal index, stream id, text) -> Investment

    def cost(self, code: str, fte: int) -> int:
        return fte_cost(self.rates[self.roles[code].id].full_time_cents, fte)

    def add(self, code, fte, goal, stream, text=None, priority=None) -> bool:
        """Add `fte` of the role (to its row when there is one), paid from `stream`, if it fits."""
        key = (code, goal, stream.id if stream else None, tuple(sorted((text or {}).items())))
        row = self.rows.get(key)
        before = row.fte if row else 0
        extra = self.cost(code, before + fte) - self.cost(code, before)
        if stream is not None and extra > self.left[stream.id]:
            return False
        if row is None:
            role = self.roles[code]
            goals = self.plan.goals
            row = Investment(
                goal_id=goals[goal].id if goal is not None else None,
                strategy_id=goals[goal].strategies[0].id if goal is not None else None,
                category_id=self.categories[_category(code)].id,
                description=dict(text or role.name),
                staff_role_id=role.id,
                fte=0,
                priority=priority or (1 if goal is None else 2),
                recurrence=Recurrence.ONGOING.value,
                funding_stream_id=stream.id if stream else None,
                source_locale="en",
            )
            self.plan.investments.append(row)
            self.rows[key] = row
        row.fte = before + fte
        row.cost_cents = self.cost(code, row.fte)
        if stream is not None:
            self.left[stream.id] -= extra
        return True

    def split(self, code, fte, streams, text=None) -> None:
        """`fte` of a base-program role, from the first stream as far as it pays, then the next."""
        for stream in streams:
            for step in (100, 25, 1):
                while fte >= step and self.add(code, step, None, stream, text):
                    fte -= step
        if fte:
            raise ValueError(f"the demo's {code} positions do not fit the allocation")


def _category(code: str) -> str:
    return next(row[2] for row in ROLES if row[0] == code)


def _to_quarter(fte: int) -> int:
    return -(-fte // 25) * 25


def budget_school(plan, school, year, money, roles, categories, stream_keys) -> None:
    """Add the base program, the goal positions and start-up costs to a plan of the current
    year, and fill what is left with teachers and aides: nearly the whole allocation."""
    rates = positions.salary_table(year.id)
    left = {s.stream.id: s.cents for s in money.sources}
    for investment in plan.investments:
        for line in investment.budget_lines:
            if line.funding_stream_id in left:
                left[line.funding_stream_id] -= line.cents
    budget = _Budget(plan, rates, roles, categories, left)
    streams = {key: s for key, s in stream_keys.items() if s is not None and s.id in left}
    base, supplemental = streams["base"], streams.get("supplemental")
    for goal, code, amount, key, recurrence, text in GOAL_ITEMS.get(school.slug, []):
        stream = streams.get(key) or base
        if code is not None:
            budget.add(code, amount, goal, stream, text)
            continue
        one_time = Investment(
            goal_id=plan.goals[goal].id,
            strategy_id=plan.goals[goal].strategies[0].id,
            category_id=categories["4000"].id,
            description=text,
            cost_cents=amount * 100,
            priority=6,
            recurrence=recurrence,
            funding_stream_id=stream.id,
            source_locale="en",
        )
        plan.investments.append(one_time)
        positions.sync_stream_line(one_time)
        left[stream.id] -= one_time.cost_cents
    payers = [s for s in (base, supplemental) if s is not None]
    pupils = money.pupils
    teacher = TEACHER[school.level]
    teachers = required_fte(0, _per(school.level), pupils)
    teachers = teachers // 100 * 100 if school.slug == SHORT_SCHOOL else _to_quarter(teachers)
    for code, fte in (
        ("1110", 100),
        ("2210", 100),
        ("2310", max(100, _to_quarter(pupils * 100 // 400))),
        (teacher, teachers),
    ):
        budget.split(code, fte, payers)
    # What a school of its size has besides, as long as the base grant pays for it whole.
    secondary = school.level != "elementary"
    for code, fte in (
        ("1120", pupils // 500 * 100),
        ("2220", 100 + pupils // 700 * 100),
        ("1240", _to_quarter(pupils * 100 // 250)),
        ("1310", _to_quarter(pupils * 100 // 400) if secondary else 0),
        ("1320", 100 if secondary else 50),
        ("1330", 100 if secondary else 50),
    ):
        if fte:
            budget.add(code, fte, None, base)
    # Fill: more teachers (the base grant's in the base program, restricted money's for the
    # first goal), then aides in quarter-time steps, leaving about 1% of each stream unassigned.
    for stream in streams.values():
        reserve = next(s.cents for s in money.sources if s.stream.id == stream.id) // 100
        goal = None if stream is base else 0
        text = None if stream is base else EXTRA_TEACHERS
        if school.slug != SHORT_SCHOOL and _category(teacher) in _allowed(stream):
            while left[stream.id] - budget.cost(teacher, 50) >= reserve:
                budget.add(teacher, 50, goal, stream, text)
        aide_text = None if stream is base else EXTRA_AIDES
        while left[stream.id] - budget.cost("2110", 25) >= reserve:
            budget.add("2110", 25, goal, stream, aide_text)
    for row in budget.rows.values():
        positions.sync_stream_line(row)


def _per(level: str) -> int | None:
    code = TEACHER[level]
    return next((r[3] for r in RULES if r[0] == code and r[1] == level), None)


def _allowed(stream) -> set[str]:
    """The category codes a stream may pay for (every one when it names none)."""
    names = {c.code for c in stream.allowed_categories}
    return names or {row[2] for row in ROLES}


def copy_positions(source, plan, year) -> None:
    """Last year's plan keeps this year's people at last year's rates (no streams that year)."""
    rates = positions.salary_table(year.id)
    goal_index = {g.id: n for n, g in enumerate(source.goals)}
    for row in source.investments:
        if not row.is_position:
            continue
        goal = goal_index.get(row.goal_id)
        target = plan.goals[goal] if goal is not None else None
        cost = fte_cost(rates[row.staff_role_id].full_time_cents, row.fte)
        plan.investments.append(
            Investment(
                goal_id=target.id if target else None,
                strategy_id=target.strategies[0].id if target else None,
                category_id=row.category_id,
                description=dict(row.description),
                staff_role_id=row.staff_role_id,
                fte=row.fte,
                cost_cents=cost,
                priority=row.priority,
                recurrence=row.recurrence,
                source_locale="en",
            )
        )
