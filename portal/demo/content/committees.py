"""The demo site councils at César Chávez and Oak Grove: the roster, the council's purpose, the
meetings written out (a decided one, its follow-up and an upcoming one), and the comments
families left on the plans with the schools' answers."""

from datetime import date

from portal.demo.content import T

# (seat, officer, name shown in public) for each member, in the order of NAMES.
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
ENGLISH_LEARNER_PARENTS = ("Minh Tran", "Lucía Ramos")
TERM = (date(2025, 7, 1), date(2027, 6, 30))  # every member's two-year term

PURPOSE = T(
    "Parents, staff and community members who review the school's data, set priorities with the principal, and approve the school plan and budget.",
    "Padres, personal y miembros de la comunidad que revisan los datos de la escuela, fijan prioridades con el director y aprueban el plan y el presupuesto escolar.",
    "由家长、教职员工和社区成员组成，负责审查学校数据，与校长一起确定优先事项，并批准学校计划和预算。",
    "Phụ huynh, nhân viên và thành viên cộng đồng xem xét dữ liệu của trường, cùng hiệu trưởng xác định ưu tiên, và phê duyệt kế hoạch và ngân sách của trường.",
    "أولياء الأمور والموظفون وأفراد المجتمع الذين يراجعون بيانات المدرسة، ويحددون الأولويات مع المدير، ويعتمدون خطة المدرسة وميزانيتها.",
)

# Last school year's meeting where the council approved its plan: (date, title, agenda, motion,
# subject, votes yes/no/abstain). Its minutes are approved at this year's first meeting.
LAST_YEAR = {
    "cesar-chavez-elementary": (
        date(2026, 4, 22),
        T(
            "Spring: approve the plan and budget",
            "Primavera: aprobar el plan y el presupuesto",
            "春季：批准计划和预算",
            "Mùa xuân: phê duyệt kế hoạch và ngân sách",
            "الربيع: اعتماد الخطة والميزانية",
        ),
        [
            T(
                "The plan's goals and what they cost",
                "Las metas del plan y lo que cuestan",
                "计划的目标及其费用",
                "Các mục tiêu của kế hoạch và chi phí",
                "أهداف الخطة وتكلفتها",
            ),
            T(
                "Vote: approve the 2025-26 school plan",
                "Votación: aprobar el plan escolar 2025-26",
                "表决：批准2025-26学年学校计划",
                "Biểu quyết: phê duyệt kế hoạch của trường năm 2025-26",
                "تصويت: اعتماد خطة المدرسة 2025-26",
            ),
        ],
        T(
            "Approve the 2025-26 school plan",
            "Aprobar el plan escolar 2025-26",
            "批准2025-26学年学校计划",
            "Phê duyệt kế hoạch của trường năm 2025-26",
            "اعتماد خطة المدرسة 2025-26",
        ),
        "plan",
        (7, 1, 1),
    ),
}

# This year: school -> (past meeting (date, title, agenda, motion, subject, votes yes/no/abstain),
# upcoming meeting (date, title, agenda)). Two weeks after the past meeting a follow-up approves
# its minutes.
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
                    "Approve the minutes of the spring meeting",
                    "Aprobar el acta de la reunión de primavera",
                    "批准春季会议的会议记录",
                    "Phê duyệt biên bản cuộc họp mùa xuân",
                    "اعتماد محضر اجتماع الربيع",
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

# The follow-up meeting two weeks after a decided one, and its one agenda item.
FOLLOW_UP = T(
    "Follow-up: approve the minutes",
    "Seguimiento: aprobar el acta",
    "后续会议：批准会议记录",
    "Họp tiếp theo: phê duyệt biên bản",
    "اجتماع المتابعة: اعتماد المحضر",
)
FOLLOW_UP_AGENDA = [
    T(
        "Approve the minutes",
        "Aprobar el acta",
        "批准会议记录",
        "Phê duyệt biên bản",
        "اعتماد المحضر",
    )
]
PUBLIC_INPUT = "Parents asked questions in English and Spanish; answers were interpreted."

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

# The district's own English Learner Advisory Committee: parents of English learners from the
# schools' ELACs are its majority (Education Code § 52176(a)), with the district's coordinator.
DELAC_NAME = T(
    "District English Learner Advisory Committee",
    "Comité Asesor del Distrito para Estudiantes de Inglés",
    "学区英语学习者咨询委员会",
    "Ủy ban Cố vấn Học sinh Học tiếng Anh của Học khu",
    "اللجنة الاستشارية لمتعلمي اللغة الإنجليزية في المنطقة التعليمية",
)
DELAC_PURPOSE = T(
    "Parents of English learners from every school advise the school board on programs and "
    "services for English learners.",
    "Padres de estudiantes de inglés de todas las escuelas asesoran a la junta escolar sobre los "
    "programas y servicios para estudiantes de inglés.",
    "来自各校的英语学习者家长就英语学习者的项目和服务向学校董事会提供建议。",
    "Phụ huynh của học sinh học tiếng Anh từ mọi trường tư vấn cho hội đồng giáo dục về các "
    "chương trình và dịch vụ cho học sinh học tiếng Anh.",
    "يقدّم أولياء أمور متعلمي اللغة الإنجليزية من كل مدرسة المشورة لمجلس التعليم بشأن برامج "
    "وخدمات متعلمي اللغة الإنجليزية.",
)
# (name, seat, officer, parent of an English learner, employed by the district)
DELAC_ROSTER = [
    ("Lucía Ramos", "parent", "chair", True, False),
    ("Minh Tran", "parent", "", True, False),
    ("Amina Haddad", "parent", "secretary", True, False),
    ("Carlos Mendoza", "staff", "", False, True),
]
DELAC_MEETING = T(
    "DELAC: reclassification and the English learner plan",
    "DELAC: reclasificación y el plan para estudiantes de inglés",
    "DELAC：重新分类与英语学习者计划",
    "DELAC: tái phân loại và kế hoạch cho học sinh học tiếng Anh",
    "DELAC: إعادة التصنيف وخطة متعلمي اللغة الإنجليزية",
)
DELAC_AGENDA = [
    T(
        "How a student is reclassified as fluent in English",
        "Cómo se reclasifica a un estudiante como competente en inglés",
        "学生如何被重新分类为英语熟练",
        "Cách học sinh được tái phân loại là thông thạo tiếng Anh",
        "كيف يُعاد تصنيف الطالب متقنًا للغة الإنجليزية",
    ),
    T(
        "Each school's English learner funds in next year's budgets",
        "Los fondos para estudiantes de inglés de cada escuela en los presupuestos del próximo año",
        "明年预算中各校的英语学习者经费",
        "Kinh phí cho học sinh học tiếng Anh của từng trường trong ngân sách năm tới",
        "مخصصات متعلمي اللغة الإنجليزية لكل مدرسة في ميزانيات العام المقبل",
    ),
]
DELAC_PLACE = "District office, board room"
