"""Demo Tiers 2 and 3: officials' inventory answers, a roundtable, interviews, next steps."""

import random
from datetime import date

from sqlalchemy import select

from portal.content.readiness_inventory import QUESTIONS
from portal.extensions import db
from portal.models import (
    Interview,
    InterviewObservation,
    InterviewQuestion,
    InventoryAnswer,
    InventoryInvite,
    ReadinessAssessment,
    RoundtableNote,
    User,
)
from portal.services.accounts import set_roles

OFFICIALS = [
    ("official1@demo.test", "Marcus Bell"),
    ("official2@demo.test", "Linh Pham"),
    ("official3@demo.test", "Sofia Herrera"),
]
# Questions on which the demo officials disagree sharply (strength against weakness).
CONTENTIOUS = {"capacity.autonomy_policy", "systems.tools", "context.board"}
INTERVIEWS = [
    (
        "Budget analyst",
        "Business services",
        [
            (
                "compliance",
                "efficiency",
                "Sees the budget as a set of compliance checks.",
                "",
                False,
            ),
            ("fatigue", "", "Has seen three budgeting reforms come and go.", "", True),
        ],
    ),
    (
        "Director of curriculum",
        "Educational services",
        [
            ("ally", "innovation", "Wants schools to choose their own interventions.", "", True),
            (
                "gap",
                "autonomy",
                "Spends most of her time on approvals that principals could make.",
                "",
                False,
            ),
        ],
    ),
    (
        "Human resources manager",
        "Human resources",
        [
            (
                "opponent",
                "autonomy",
                "Worries site staffing choices will break the contract.",
                "A clear role in designing staffing rules and early legal review.",
                False,
            )
        ],
    ),
    (
        "Principal on special assignment",
        "Superintendent's office",
        [
            ("service", "engagement", "Describes the office as there to serve schools.", "", True),
            (
                "ally",
                "transparency",
                "Already shares the school budget with the site council.",
                "",
                False,
            ),
        ],
    ),
    (
        "Communications officer",
        "Communications",
        [
            (
                "bias",
                "equity",
                "Assumes families of English learners are not interested in budgets.",
                "",
                False,
            )
        ],
    ),
]


def _official(email: str, name: str) -> User:
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.name, user.is_active = name, True
    user.set_password("demo")
    set_roles(user, ["district"], [])
    return user


def load_readiness_demo(district_id: int, tier1_survey_id: int | None) -> None:
    """Create or refresh the demo assessment. Safe to run twice."""
    assessment = db.session.scalars(
        select(ReadinessAssessment).where(ReadinessAssessment.slug == "riverbend-readiness-2026")
    ).first()
    if assessment is None:
        assessment = ReadinessAssessment(
            district_id=district_id, slug="riverbend-readiness-2026", title="", public_summary={}
        )
        db.session.add(assessment)
    assessment.title = "Riverbend readiness 2026"
    assessment.tier1_survey_id = tier1_survey_id
    assessment.roundtable_closed = True
    assessment.public_summary = {
        "en": "Families told us they do not yet understand how money reaches their school, while "
        "district officials rated our transparency as a strength. Closing that gap comes first: "
        "every school will publish its budget in plain language this spring.",
        "es": "Las familias nos dijeron que todavía no entienden cómo llega el dinero a su "
        "escuela, mientras que los funcionarios del distrito calificaron nuestra transparencia "
        "como una fortaleza. Cerrar esa brecha es lo primero: esta primavera cada escuela "
        "publicará su presupuesto en lenguaje claro.",
        "zh_Hans": "家长告诉我们，他们还不明白经费是如何到达孩子所在学校的；而学区官员却认为"
        "我们的透明度是一项优势。首先要缩小这一差距：今年春天，每所学校都将用通俗易懂的语言"
        "公布预算。",
        "vi": "Các gia đình cho chúng tôi biết họ vẫn chưa hiểu tiền đến trường của con em mình "
        "như thế nào, trong khi cán bộ học khu lại đánh giá tính minh bạch là một thế mạnh. Thu "
        "hẹp khoảng cách đó là việc làm trước tiên: mùa xuân này, mỗi trường sẽ công bố ngân sách "
        "của mình bằng ngôn ngữ dễ hiểu.",
        "ar": "أخبرتنا الأسر أنها لا تفهم بعد كيف تصل الأموال إلى مدارسها، بينما قيّم مسؤولو "
        "المنطقة التعليمية شفافيتنا على أنها نقطة قوة. سدّ هذه الفجوة يأتي أولًا: ستنشر كل مدرسة "
        "ميزانيتها بلغة واضحة هذا الربيع.",
    }
    assessment.public_summary_published = True
    assessment.next_steps = (
        "1. Publish every school's budget in plain language, in four languages, before March.\n"
        "2. Give site councils a two-month budget window with sample agendas.\n"
        "3. Write a clear autonomy policy with principals and human resources.\n"
        "4. Repeat the community survey next fall and compare."
    )
    db.session.flush()
    if db.session.scalars(
        select(InventoryAnswer).where(InventoryAnswer.assessment_id == assessment.id)
    ).first():
        return  # already loaded
    users = [_official(email, name) for email, name in OFFICIALS]
    users.append(db.session.scalars(select(User).where(User.email == "district@demo.test")).one())
    db.session.flush()
    assessment.invites = [InventoryInvite(user_id=u.id) for u in users]
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data
    for index, user in enumerate(users):
        for question in QUESTIONS:
            if question.key in CONTENTIOUS:
                rating = 1 if index % 2 == 0 else 4
            elif question.survey_area == "transparency":
                rating = rng.choice([1, 2])  # officials think they are transparent
            else:
                rating = rng.choice([2, 2, 3])
            db.session.add(
                InventoryAnswer(
                    assessment_id=assessment.id,
                    user_id=user.id,
                    question_key=question.key,
                    rating=rating,
                    answer="See the evidence." if rating <= 2 else "This needs work.",
                    evidence="Board minutes and the budget calendar." if index == 0 else "",
                )
            )
    for key in sorted(CONTENTIOUS):
        db.session.add(
            RoundtableNote(
                assessment_id=assessment.id,
                question_key=key,
                conclusion="The roundtable could not agree; ask in the interviews.",
                contentious=True,
                carry_to_interviews=True,
            )
        )
    db.session.add(
        RoundtableNote(
            assessment_id=assessment.id,
            question_key="",
            conclusion="Officials see transparency as a strength; the survey says otherwise.",
        )
    )
    for position, text in enumerate(
        [
            "What is your role in building school budgets today?",
            "Where does the current process waste time?",
            "What would you need to support school-based decisions?",
        ],
        start=1,
    ):
        db.session.add(InterviewQuestion(assessment_id=assessment.id, position=position, text=text))
    for n, (role, department, observations) in enumerate(INTERVIEWS):
        interview = Interview(
            assessment_id=assessment.id,
            interviewee_role=role,
            department=department,
            interviewee_name="",
            held_on=date(2026, 11, 2 + n),
            notes="Recorded with consent; notes kept by the facilitator only.",
        )
        for code, area, note, needs, shareable in observations:
            interview.observations.append(
                InterviewObservation(
                    code=code, survey_area=area, note=note, needs=needs, shareable=shareable
                )
            )
        db.session.add(interview)
