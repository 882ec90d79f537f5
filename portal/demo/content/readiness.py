"""The demo readiness assessment: the officials who answer the Tier 2 inventory, the questions
they disagree on, the roundtable's conclusions, the interview protocol and five interviews with
coded observations, the public summary in five languages, and the recommended next steps."""

SLUG, TITLE = "riverbend-readiness-2026", "Riverbend readiness 2026"
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

CONTESTED = "The roundtable could not agree; ask in the interviews."
OVERALL = "Officials see transparency as a strength; the survey says otherwise."
PROTOCOL = [
    "What is your role in building school budgets today?",
    "Where does the current process waste time?",
    "What would you need to support school-based decisions?",
]
NOTES = "Recorded with consent; notes kept by the facilitator only."

SUMMARY = {
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

NEXT_STEPS = (
    "1. Publish every school's budget in plain language, in four languages, before March.\n"
    "2. Give site councils a two-month budget window with sample agendas.\n"
    "3. Write a clear autonomy policy with principals and human resources.\n"
    "4. Repeat the community survey next fall and compare."
)
