"""Demo committees: site councils at César Chávez and Oak Grove with members, a past meeting
with its agenda and a closed vote, and an upcoming meeting with its posted agenda. Safe to run
again (the demo councils are replaced).

Every meeting goes through `schedule_meeting`, as a meeting added on the committee's page does:
the school calendar and its feed show the meetings themselves. The planning demo's site council
dates at these two schools become the council's later meetings (the ones before the upcoming
meeting are the meetings written out here), so the calendar lists no council meeting that the
committee page does not."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import (
    AgendaItem,
    CalendarEvent,
    Committee,
    CommitteeMember,
    Meeting,
    MinutesVersion,
    Motion,
    MotionVote,
    School,
    User,
)
from portal.services.committee_record import schedule_meeting
from portal.services.school_year import current_year

ROSTER = [
    ("principal", "", True),
    ("teacher", "chair", True),
    ("teacher", "secretary", True),
    ("teacher", "", False),
    ("teacher", "", True),
    ("parent", "", True),
    ("parent", "", False),
    ("parent", "", True),
    ("parent", "", False),
    ("community", "", True),
]
NAMES = ["Rosa Delgado", "Ana Lima", "Tom Becker", "Li Wen", "Sara Ortiz", "Jamal Carter",
         "Minh Tran", "Lucía Ramos", "Mei Chen", "Joe Park"]  # fmt: skip


def T(en, es, zh=None, vi=None, ar=None) -> dict:
    text = {"en": en, "es": es}
    for code, value in (("zh_Hans", zh), ("vi", vi), ("ar", ar)):
        if value:
            text[code] = value
    return text


PURPOSE = T(
    "Parents, staff and community members who review the school's data, set priorities with the principal, and approve the school plan and budget.",
    "Padres, personal y miembros de la comunidad que revisan los datos de la escuela, fijan prioridades con el director y aprueban el plan y el presupuesto escolar.",
    "由家长、教职员工和社区成员组成，负责审查学校数据，与校长一起确定优先事项，并批准学校计划和预算。",
    "Phụ huynh, nhân viên và thành viên cộng đồng xem xét dữ liệu của trường, cùng hiệu trưởng xác định ưu tiên, và phê duyệt kế hoạch và ngân sách của trường.",
    "أولياء الأمور والموظفون وأفراد المجتمع الذين يراجعون بيانات المدرسة، ويحددون الأولويات مع المدير، ويعتمدون خطة المدرسة وميزانيتها.",
)

# school -> (past meeting (date, title, agenda, motion, subject, votes yes/no/abstain), upcoming)
MEETINGS = {
    "cesar-chavez-elementary": (
        (
            date(2026, 10, 8),
            T(
                "Fall: review last year's data",
                "Otoño: revisar los datos del año pasado",
                "秋季：回顾去年的数据",
                "Mùa thu: xem lại dữ liệu năm trước",
                "الخريف: مراجعة بيانات العام الماضي",
            ),
            [
                T(
                    "Welcome and introductions",
                    "Bienvenida y presentaciones",
                    "欢迎和介绍",
                    "Chào mừng và giới thiệu",
                    "الترحيب والتعارف",
                ),
                T(
                    "Last year's reading results",
                    "Resultados de lectura del año pasado",
                    "去年的阅读成绩",
                    "Kết quả đọc năm trước",
                    "نتائج القراءة للعام الماضي",
                ),
                T(
                    "The family survey: dates and languages",
                    "La encuesta para familias: fechas e idiomas",
                    "家庭问卷：日期和语言",
                    "Khảo sát gia đình: ngày và ngôn ngữ",
                    "استبيان الأسر: المواعيد واللغات",
                ),
            ],
            T(
                "Approve the family survey for October",
                "Aprobar la encuesta para familias de octubre",
                "批准十月份的家庭问卷",
                "Phê duyệt khảo sát gia đình tháng Mười",
                "اعتماد استبيان الأسر لشهر أكتوبر",
            ),
            "other",
            (8, 0, 1),
        ),
        (
            date(2026, 12, 3),
            T(
                "Winter: set priorities",
                "Invierno: fijar prioridades",
                "冬季：确定优先事项",
                "Mùa đông: xác định ưu tiên",
                "الشتاء: تحديد الأولويات",
            ),
            [
                T(
                    "What families told us in the survey",
                    "Lo que nos dijeron las familias en la encuesta",
                    "家庭在问卷中告诉我们的内容",
                    "Những gì các gia đình cho chúng tôi biết qua khảo sát",
                    "ما أخبرتنا به الأسر في الاستبيان",
                ),
                T(
                    "Draft priorities for next year",
                    "Prioridades preliminares para el próximo año",
                    "明年的优先事项草案",
                    "Dự thảo ưu tiên cho năm tới",
                    "مسودة أولويات العام المقبل",
                ),
                T(
                    "Questions from the public",
                    "Preguntas del público",
                    "公众提问",
                    "Câu hỏi từ công chúng",
                    "أسئلة من الجمهور",
                ),
            ],
        ),
    ),
    "oak-grove-elementary": (
        (
            date(2026, 11, 5),
            T(
                "Approve the school plan",
                "Aprobar el plan escolar",
                "批准学校计划",
                "Phê duyệt kế hoạch của trường",
                "اعتماد خطة المدرسة",
            ),
            [
                T(
                    "The plan's two goals and what they cost",
                    "Las dos metas del plan y lo que cuestan",
                    "计划的两个目标及其费用",
                    "Hai mục tiêu của kế hoạch và chi phí",
                    "هدفا الخطة وتكلفتهما",
                ),
                T(
                    "Vote: approve the 2026-27 school plan",
                    "Votación: aprobar el plan escolar 2026-27",
                    "表决：批准2026-27学年学校计划",
                    "Biểu quyết: phê duyệt kế hoạch của trường năm 2026-27",
                    "تصويت: اعتماد خطة المدرسة 2026-27",
                ),
            ],
            T(
                "Approve the 2026-27 school plan",
                "Aprobar el plan escolar 2026-27",
                "批准2026-27学年学校计划",
                "Phê duyệt kế hoạch của trường năm 2026-27",
                "اعتماد خطة المدرسة 2026-27",
            ),
            "plan",
            (7, 1, 1),
        ),
        (
            date(2026, 12, 10),
            T(
                "Winter: budget scenarios",
                "Invierno: escenarios de presupuesto",
                "冬季：预算方案",
                "Mùa đông: các phương án ngân sách",
                "الشتاء: سيناريوهات الميزانية",
            ),
            [
                T(
                    "If the allocation is 10% lower",
                    "Si la asignación es un 10 % menor",
                    "如果拨款减少10%",
                    "Nếu khoản phân bổ thấp hơn 10%",
                    "إذا كان التخصيص أقل بنسبة 10٪",
                ),
                T(
                    "Questions from the public",
                    "Preguntas del público",
                    "公众提问",
                    "Câu hỏi từ công chúng",
                    "أسئلة من الجمهور",
                ),
            ],
        ),
    ),
}


ZONE = ZoneInfo("America/Los_Angeles")  # the demo district's time zone


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock on `day` in the demo district, in UTC (6 pm stays 6 pm across DST)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


def _replace_council(school) -> None:
    """Remove the school's demo council with its meetings' calendar rows."""
    event_ids = list(
        db.session.scalars(
            select(Meeting.event_id)
            .join(Committee, Committee.id == Meeting.committee_id)
            .where(
                Committee.school_id == school.id,
                Committee.kind == "ssc",
                Meeting.event_id.is_not(None),
            )
        )
    )
    db.session.execute(
        delete(Committee).where(Committee.school_id == school.id, Committee.kind == "ssc")
    )
    if event_ids:
        db.session.execute(delete(CalendarEvent).where(CalendarEvent.id.in_(event_ids)))


def _planned_council_dates(school) -> list[dict]:
    """The planning demo's site council dates at this school, taken out of the calendar: from
    now on the council's meetings are Meeting rows."""
    rows = list(
        db.session.scalars(
            select(CalendarEvent).where(
                CalendarEvent.school_id == school.id,
                CalendarEvent.kind == "site_council",
                CalendarEvent.uid.like(f"demo-{school.slug}-%"),
            )
        )
    )
    planned = [
        {
            "title": dict(row.title),
            "starts_at": row.starts_at,
            "place": row.place,
            "interpretation": row.interpretation,
            "childcare": row.childcare,
        }
        for row in rows
    ]
    for row in rows:
        db.session.delete(row)
    return planned


def load_committees_demo(district_id: int) -> None:
    from portal.models import District

    district = db.session.get(District, district_id)
    schools = {
        s.slug: s
        for s in db.session.scalars(select(School).where(School.district_id == district_id))
    }
    council_user = db.session.scalars(select(User).where(User.email == "council@demo.test")).first()
    for slug, (past, upcoming) in MEETINGS.items():
        school = schools.get(slug)
        if school is None:
            continue
        _replace_council(school)
        planned = _planned_council_dates(school)
        committee = Committee(
            school_id=school.id,
            kind="ssc",
            source_locale="en",
            name=T(
                "School Site Council",
                "Consejo Escolar",
                "学校管理委员会",
                "Hội đồng Trường",
                "المجلس المدرسي",
            ),
            purpose=PURPOSE,
        )
        for (seat, officer, public), name in zip(ROSTER, NAMES, strict=True):
            member = CommitteeMember(
                name=name,
                seat=seat,
                officer=officer,
                name_public=public,
                term_start=date(2026, 7, 1),
                term_end=date(2028, 6, 30),
                parent_of_english_learner=seat == "parent" and name in ("Minh Tran", "Lucía Ramos"),
            )
            if (
                name == "Jamal Carter"
                and council_user is not None
                and slug == "cesar-chavez-elementary"
            ):
                member.user_id = council_user.id
            committee.members.append(member)
        db.session.add(committee)
        db.session.flush()
        day, title, agenda, motion_text, subject, (yes, no, abstain) = past
        meeting = Meeting(
            title=title,
            starts_at=_at(day, 18),
            place=f"{school.name}, library",
            interpretation=True,
            childcare=True,
            agenda_posted_at=_at(day - timedelta(days=7), 9),
            source_locale="en",
            present_member_ids=[m.id for m in committee.members[: yes + no + abstain]],
        )
        meeting.agenda = [
            AgendaItem(title=t, position=i, source_locale="en") for i, t in enumerate(agenda)
        ]
        committee.meetings.append(meeting)
        db.session.flush()
        motion = Motion(
            text=motion_text,
            subject=subject,
            mover_id=committee.members[1].id,
            seconder_id=committee.members[5].id,
            status="closed",
            passed=True,
            outcome_reason="passed",
            tally=f"{yes}–{no}–{abstain}",
            closed_at=_at(day, 19),
            source_locale="en",
        )
        choices = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
        motion.votes = [
            MotionVote(member_id=m.id, choice=c, recorded_at=_at(day, 19))
            for m, c in zip(committee.members, choices, strict=False)
        ]
        meeting.motions.append(motion)
        # Two weeks later the council met again and approved the minutes of that meeting.
        followup = Meeting(
            title=T(
                "Follow-up: approve the minutes",
                "Seguimiento: aprobar el acta",
                "后续会议：批准会议记录",
                "Họp tiếp theo: phê duyệt biên bản",
                "اجتماع المتابعة: اعتماد المحضر",
            ),
            starts_at=_at(day + timedelta(days=14), 18),
            place=f"{school.name}, library",
            agenda_posted_at=_at(day + timedelta(days=7), 9),
            source_locale="en",
            present_member_ids=[m.id for m in committee.members[:8]],
        )
        followup.agenda = [
            AgendaItem(
                title=T(
                    "Approve the minutes",
                    "Aprobar el acta",
                    "批准会议记录",
                    "Phê duyệt biên bản",
                    "اعتماد المحضر",
                ),
                position=0,
                source_locale="en",
            )
        ]
        committee.meetings.append(followup)
        db.session.flush()
        db.session.add(
            MinutesVersion(
                meeting_id=meeting.id,
                version=1,
                status="approved",
                locale="en",
                sections={
                    str(item.id): {
                        "discussion": f"The council discussed: {item.title['en'].lower()}.",
                        "input": "Parents asked questions in English and Spanish; answers were interpreted.",
                    }
                    for item in meeting.agenda
                },
                search_text=" ".join(
                    f"the council discussed: {i.title['en'].lower()}." for i in meeting.agenda
                ),
                attendance=[
                    {"name": m.name if m.name_public else "", "seat": m.seat}
                    for m in committee.members[: yes + no + abstain]
                ],
                approved_at=followup.starts_at,
                approved_at_meeting_id=followup.id,
            )
        )
        # The follow-up's own minutes are still a draft: members who attended can amend them.
        db.session.add(
            MinutesVersion(
                meeting_id=followup.id,
                version=1,
                status="draft",
                locale="en",
                sections={
                    str(followup.agenda[0].id): {
                        "discussion": "The council approved the minutes of the fall meeting.",
                        "input": "",
                    }
                },
                search_text="the council approved the minutes of the fall meeting.",
            )
        )
        day, title, agenda = upcoming
        # Always ahead of today, whenever the demo is loaded.
        day = max(day, datetime.now(UTC).date() + timedelta(days=14))
        soon = Meeting(
            title=title,
            starts_at=_at(day, 18),
            place=f"{school.name}, library",
            interpretation=True,
            childcare=True,
            agenda_posted_at=_at(day - timedelta(days=5), 9),
            source_locale="en",
        )
        soon.agenda = [
            AgendaItem(title=t, position=i, source_locale="en") for i, t in enumerate(agenda)
        ]
        committee.meetings.append(soon)
        # The rest of the year's council dates from the planning demo, agendas still to come.
        for values in planned:
            if values["starts_at"] > soon.starts_at + timedelta(days=7):
                committee.meetings.append(Meeting(source_locale="en", **values))
        db.session.flush()
        for meeting in committee.meetings:
            schedule_meeting(meeting, district)
    db.session.flush()
    _load_feedback(schools)


# (school, plan goal position, body, locale, name, status, answer, what changed)
FEEDBACK = [
    (
        "cesar-chavez-elementary",
        0,
        "Could the reading groups also meet after school for working parents' children?",
        "en",
        "Maria P.",
        "considered",
        "Good idea. We are asking the after-school program whether it can host two groups.",
        "",
    ),
    (
        "cesar-chavez-elementary",
        1,
        "Por favor, hagan las reuniones después de las 6 de la tarde; muchos trabajamos hasta tarde.",
        "es",
        "Lucía",
        "acted_on",
        "Gracias. Desde noviembre las reuniones del consejo empiezan a las 6 de la tarde.",
        "Calendario: reuniones a las 6 p. m.",
    ),
    (
        "oak-grove-elementary",
        0,
        "Math games to take home would help us practice with our kids.",
        "en",
        "",
        "acted_on",
        "We added take-home math games to the plan's materials.",
        "Plan: math games and materials",
    ),
    (
        "oak-grove-elementary",
        1,
        "¿Pueden llamar en español cuando mi hijo falta?",
        "es",
        "Jorge",
        "not_adopted",
        "Por ahora no tenemos personal que hable español en la oficina; le enviaremos un mensaje de texto en español.",
        "",
    ),
]


def _load_feedback(schools) -> None:
    from portal.models import Feedback, SchoolPlan

    for slug, position, body, locale, name, status, answer, changed in FEEDBACK:
        school = schools.get(slug)
        year = current_year(school.district_id) if school else None
        plan = (
            db.session.scalars(
                select(SchoolPlan).where(
                    SchoolPlan.school_id == school.id, SchoolPlan.school_year_id == year.id
                )
            ).first()
            if year
            else None
        )
        if plan is None or len(plan.goals) <= position:
            continue
        db.session.execute(
            delete(Feedback).where(Feedback.school_id == school.id, Feedback.body == body)
        )
        db.session.add(
            Feedback(
                school_id=school.id,
                target_type="goal",
                target_id=plan.goals[position].id,
                body=body,
                author_name=name,
                locale=locale,
                visibility="visible",
                status=status,
                answer=answer,
                what_changed=changed,
                answered_at=datetime(2026, 11, 12, 18, tzinfo=UTC),
            )
        )
    db.session.flush()
