"""Demo school year: phase dates, district template and deadlines, school events, district goals,
spending categories, a glossary, and plans with budgets for four schools (César Chávez in all
four languages, with last year's plan and goal progress). Safe to run again: demo rows are
replaced, and events keep their UIDs."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import (
    CalendarEvent,
    DistrictGoal,
    EventRequirement,
    FundingStream,
    GlossaryTerm,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    PhaseWindow,
    PlanAction,
    School,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from portal.services import funding, plans
from portal.services.school_year import current_year


def T(en, es, zh=None, vi=None, ar=None) -> dict:
    text = {"en": en, "es": es}
    if zh:
        text["zh_Hans"] = zh
    if vi:
        text["vi"] = vi
    # Arabic wherever Chinese and Vietnamese are given (AR, below, keyed by the English).
    ar = ar or (AR.get(en) if zh else None)
    if ar:
        text["ar"] = ar
    return text


# Arabic for every demo text that is also in Chinese and Vietnamese, so an Arabic reader sees
# the same demo as a Chinese one, right to left.
AR = {
    # District goals
    "Every student reads at grade level by third grade.": "يقرأ كل طالب بمستوى صفّه قبل نهاية الصف الثالث.",
    "Every student is ready for algebra by ninth grade.": "يكون كل طالب مستعدًا لدراسة الجبر قبل الصف التاسع.",
    "Every family is a partner in their child's school.": "كل أسرة شريكة في مدرسة طفلها.",
    # Glossary
    "site council": "مجلس المدرسة",
    "A group of parents, teachers, staff and sometimes students who review and approve the school's plan and budget.": "مجموعة من أولياء الأمور والمعلمين والموظفين، وأحيانًا الطلاب، تراجع خطة المدرسة وميزانيتها وتوافق عليهما.",
    "ELAC": "ELAC",
    "The English Learner Advisory Committee: parents of English learners who advise the school on how to help their children.": "اللجنة الاستشارية لمتعلمي اللغة الإنجليزية: أولياء أمور متعلمي الإنجليزية الذين يقدّمون للمدرسة المشورة في كيفية مساعدة أبنائهم.",
    "Title I": "الباب الأول (Title I)",
    "Federal money for schools with many families in poverty. It must add to, not replace, other help.": "أموال اتحادية للمدارس التي فيها كثير من الأسر الفقيرة. يجب أن تُضاف إلى أي مساعدة أخرى، لا أن تحلّ محلها.",
    "restricted funds": "الأموال المقيَّدة",
    "Money that may only be spent on certain things, set by law or by the grant.": "أموال لا يجوز إنفاقها إلا على أمور محددة، يحددها القانون أو المنحة.",
    "unrestricted funds": "الأموال غير المقيَّدة",
    "Money the school can decide how to spend, with its site council.": "أموال تقرّر المدرسة كيف تنفقها، مع مجلس المدرسة.",
    "per-pupil weight": "الوزن لكل طالب",
    "Extra money a school gets for each student who needs more, such as an English learner.": "مبلغ إضافي تحصل عليه المدرسة عن كل طالب يحتاج إلى دعم أكبر، مثل متعلّم اللغة الإنجليزية.",
    "SMART goal": "هدف ذكي (SMART)",
    "A goal that is specific, measurable, attainable, relevant and has a date, so everyone can tell whether it was met.": "هدف محدد وقابل للقياس وممكن التحقيق وذو صلة وله موعد، حتى يعرف الجميع هل تحقّق أم لا.",
    "categorical funds": "الأموال الفئوية",
    "Another name for restricted funds: money given for one category of need.": "اسم آخر للأموال المقيَّدة: أموال تُعطى لفئة واحدة من الاحتياجات.",
    # Spending categories
    "Teachers and certificated staff": "المعلمون والموظفون المعتمدون",
    "Support staff": "موظفو الدعم",
    "Books, materials and supplies": "الكتب والمواد واللوازم",
    "Services and training": "الخدمات والتدريب",
    "Family engagement": "مشاركة الأسر",
    # Calendar
    "Site council training": "تدريب مجلس المدرسة",
    "Site council: review last year's data": "مجلس المدرسة: مراجعة بيانات العام الماضي",
    "Family survey opens": "بدء استبيان الأسر",
    "Focus group for parents of English learners": "مجموعة نقاش لأولياء أمور متعلمي اللغة الإنجليزية",
    "Site council: begin setting goals": "مجلس المدرسة: البدء في وضع الأهداف",
    "Site council: set priorities": "مجلس المدرسة: تحديد الأولويات",
    "ELAC: advice on the plan": "ELAC: المشورة بشأن الخطة",
    "Budget review with families": "مراجعة الميزانية مع الأسر",
    "Site council: approve the plan and budget": "مجلس المدرسة: الموافقة على الخطة والميزانية",
    "District releases school allocations": "المنطقة التعليمية تعلن مخصصات المدارس",
    "School plans due to the district": "آخر موعد لتسليم خطط المدارس إلى المنطقة التعليمية",
    "Everyone is welcome. Come and have a say.": "الجميع مرحَّب بهم. تعالوا وأبدوا رأيكم.",
    # César Chávez Elementary's plan
    "Raise the share of third graders reading at grade level from 48% to 65% by June 2027.": "رفع نسبة طلاب الصف الثالث الذين يقرؤون بمستوى صفّهم من 48% إلى 65% بحلول يونيو 2027.",
    "Share of third graders at grade level on the spring reading test": "نسبة طلاب الصف الثالث الذين بلغوا مستوى صفّهم في اختبار القراءة الربيعي",
    "Small reading groups every day for students who are behind": "مجموعات قراءة صغيرة كل يوم للطلاب المتأخرين",
    "Hire a reading intervention teacher": "تعيين معلم للتدخل في القراءة",
    "Test every student in reading three times a year": "اختبار كل طالب في القراءة ثلاث مرات في السنة",
    "Reading intervention teacher": "معلم التدخل في القراءة",
    "Books in Spanish, Chinese and Vietnamese for the classroom libraries": "كتب بالإسبانية والصينية والفيتنامية لمكتبات الصفوف",
    "Training for teachers on teaching reading to English learners": "تدريب المعلمين على تعليم القراءة لمتعلمي اللغة الإنجليزية",
    "Raise the share of families who come to at least one school meeting from 30% to 50%.": "رفع نسبة الأسر التي تحضر اجتماعًا مدرسيًا واحدًا على الأقل من 30% إلى 50%.",
    "Share of families signed in at a school meeting": "نسبة الأسر التي سجّلت حضورها في اجتماع مدرسي",
    "Meetings at times families can come, with interpretation and childcare": "اجتماعات في أوقات تناسب الأسر، مع ترجمة فورية ورعاية للأطفال",
    "Ask families which times work best": "سؤال الأسر عن الأوقات الأنسب لها",
    "Share the draft budget with the site council and the ELAC": "عرض مسودة الميزانية على مجلس المدرسة وELAC",
    "Community liaison, half time": "منسّق مجتمعي بدوام جزئي",
    "Interpretation and childcare at meetings": "ترجمة فورية ورعاية للأطفال في الاجتماعات",
    "Family reading nights": "أمسيات القراءة العائلية",
    # Needs assessment
    "Early reading, and families taking part in school decisions.": "القراءة المبكرة، ومشاركة الأسر في قرارات المدرسة.",
    "English learners read a full year behind other students by third grade.": "بحلول الصف الثالث، يتأخر متعلمو اللغة الإنجليزية في القراءة سنة كاملة عن زملائهم.",
    "Families who speak Vietnamese rarely come to meetings.": "نادرًا ما تحضر الأسر الناطقة بالفيتنامية الاجتماعات.",
}


GLOSSARY = [
    (
        "site-council",
        T("site council", "consejo escolar", "学校管理委员会", "hội đồng trường"),
        T(
            "A group of parents, teachers, staff and sometimes students who review and approve the school's plan and budget.",
            "Un grupo de padres, maestros, personal y a veces estudiantes que revisa y aprueba el plan y el presupuesto de la escuela.",
            "由家长、教师、职员（有时还有学生）组成的小组，负责审查和批准学校的计划和预算。",
            "Một nhóm phụ huynh, giáo viên, nhân viên và đôi khi học sinh, xem xét và phê duyệt kế hoạch và ngân sách của trường.",
        ),
    ),
    (
        "elac",
        T("ELAC", "ELAC", "ELAC", "ELAC"),
        T(
            "The English Learner Advisory Committee: parents of English learners who advise the school on how to help their children.",
            "El Comité Asesor de Estudiantes de Inglés: padres de estudiantes de inglés que aconsejan a la escuela sobre cómo ayudar a sus hijos.",
            "英语学习者咨询委员会：由英语学习者的家长组成，就如何帮助他们的孩子向学校提出建议。",
            "Ủy ban Tư vấn Học sinh Học tiếng Anh: phụ huynh của học sinh học tiếng Anh góp ý cho trường về cách giúp con em họ.",
        ),
    ),
    (
        "title-i",
        T("Title I", "Título I", "第一款（Title I）", "Title I"),
        T(
            "Federal money for schools with many families in poverty. It must add to, not replace, other help.",
            "Dinero federal para escuelas con muchas familias de bajos ingresos. Debe sumarse a otra ayuda, no reemplazarla.",
            "联邦政府拨给低收入家庭较多的学校的资金。它必须用于增加帮助，而不是取代其他帮助。",
            "Tiền của liên bang cho các trường có nhiều gia đình nghèo. Khoản này phải bổ sung, không thay thế, các hỗ trợ khác.",
        ),
    ),
    (
        "restricted-funds",
        T("restricted funds", "fondos restringidos", "限定用途资金", "quỹ hạn chế"),
        T(
            "Money that may only be spent on certain things, set by law or by the grant.",
            "Dinero que solo puede gastarse en ciertas cosas, según la ley o la subvención.",
            "只能用于特定用途的资金，由法律或拨款规定。",
            "Tiền chỉ được chi cho một số việc nhất định, do luật hoặc khoản tài trợ quy định.",
        ),
    ),
    (
        "unrestricted-funds",
        T("unrestricted funds", "fondos no restringidos", "非限定用途资金", "quỹ không hạn chế"),
        T(
            "Money the school can decide how to spend, with its site council.",
            "Dinero que la escuela decide cómo gastar, junto con su consejo escolar.",
            "学校可以与学校管理委员会一起决定如何使用的资金。",
            "Tiền mà trường có thể quyết định cách chi tiêu, cùng với hội đồng trường.",
        ),
    ),
    (
        "per-pupil-weight",
        T("per-pupil weight", "peso por alumno", "生均权重", "trọng số theo học sinh"),
        T(
            "Extra money a school gets for each student who needs more, such as an English learner.",
            "Dinero adicional que recibe una escuela por cada estudiante que necesita más, como un estudiante de inglés.",
            "学校为每位需要更多支持的学生（例如英语学习者）额外获得的资金。",
            "Khoản tiền thêm mà trường nhận được cho mỗi học sinh cần hỗ trợ nhiều hơn, như học sinh học tiếng Anh.",
        ),
    ),
    (
        "smart-goal",
        T("SMART goal", "meta SMART", "SMART 目标", "mục tiêu SMART"),
        T(
            "A goal that is specific, measurable, attainable, relevant and has a date, so everyone can tell whether it was met.",
            "Una meta específica, medible, alcanzable, relevante y con fecha, para que todos puedan saber si se cumplió.",
            "具体、可衡量、可实现、相关并有期限的目标，让每个人都能判断它是否达成。",
            "Một mục tiêu cụ thể, đo lường được, khả thi, phù hợp và có thời hạn, để mọi người biết đã đạt hay chưa.",
        ),
    ),
    (
        "categorical-funds",
        T("categorical funds", "fondos categóricos", "专项资金", "quỹ theo hạng mục"),
        T(
            "Another name for restricted funds: money given for one category of need.",
            "Otro nombre para los fondos restringidos: dinero dado para una categoría de necesidad.",
            "限定用途资金的另一种说法：为某一类需求提供的资金。",
            "Tên gọi khác của quỹ hạn chế: tiền được cấp cho một loại nhu cầu.",
        ),
    ),
]

DISTRICT_GOALS = [
    T(
        "Every student reads at grade level by third grade.",
        "Todos los estudiantes leen al nivel de su grado antes de tercer grado.",
        "每个学生在三年级前达到年级阅读水平。",
        "Mọi học sinh đọc đúng trình độ lớp trước lớp ba.",
    ),
    T(
        "Every student is ready for algebra by ninth grade.",
        "Todos los estudiantes están listos para álgebra en noveno grado.",
        "每个学生在九年级前为学习代数做好准备。",
        "Mọi học sinh sẵn sàng học đại số vào lớp chín.",
    ),
    T(
        "Every family is a partner in their child's school.",
        "Cada familia es socia en la escuela de su hijo.",
        "每个家庭都是孩子学校的合作伙伴。",
        "Mỗi gia đình là đối tác trong trường học của con mình.",
    ),
]

CATEGORIES = [
    (
        "1000",
        T(
            "Teachers and certificated staff",
            "Maestros y personal certificado",
            "教师和持证员工",
            "Giáo viên và nhân viên có chứng chỉ",
        ),
    ),
    ("2000", T("Support staff", "Personal de apoyo", "辅助人员", "Nhân viên hỗ trợ")),
    (
        "4000",
        T(
            "Books, materials and supplies",
            "Libros, materiales y útiles",
            "书籍、材料和用品",
            "Sách, tài liệu và đồ dùng",
        ),
    ),
    (
        "5000",
        T("Services and training", "Servicios y capacitación", "服务和培训", "Dịch vụ và đào tạo"),
    ),
    (
        "5800",
        T("Family engagement", "Participación familiar", "家庭参与", "Sự tham gia của gia đình"),
    ),
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

# Plans: school -> (status, goals). Goal: (statement, indicator, baseline, target, district goal
# index, strategies [(description, [(action, owner, month, day, status)])], investments
# [(description, category, cost dollars, priority, {stream key: dollars})]).
PLANS = {
    "cesar-chavez-elementary": (
        "shared",
        [
            (
                T(
                    "Raise the share of third graders reading at grade level from 48% to 65% by June 2027.",
                    "Aumentar el porcentaje de alumnos de tercer grado que leen al nivel de su grado del 48 % al 65 % para junio de 2027.",
                    "到 2027 年 6 月，将达到年级阅读水平的三年级学生比例从 48% 提高到 65%。",
                    "Nâng tỷ lệ học sinh lớp ba đọc đúng trình độ từ 48% lên 65% trước tháng 6 năm 2027.",
                ),
                T(
                    "Share of third graders at grade level on the spring reading test",
                    "Porcentaje de alumnos de tercer grado al nivel de su grado en la prueba de lectura de primavera",
                    "春季阅读测试中达到年级水平的三年级学生比例",
                    "Tỷ lệ học sinh lớp ba đạt trình độ trong bài kiểm tra đọc mùa xuân",
                ),
                48,
                65,
                0,
                [
                    (
                        T(
                            "Small reading groups every day for students who are behind",
                            "Grupos pequeños de lectura cada día para los alumnos atrasados",
                            "每天为落后的学生开设小组阅读",
                            "Nhóm đọc nhỏ mỗi ngày cho học sinh bị chậm",
                        ),
                        [
                            (
                                T(
                                    "Hire a reading intervention teacher",
                                    "Contratar a un maestro de intervención de lectura",
                                    "聘请一名阅读辅导教师",
                                    "Tuyển một giáo viên hỗ trợ đọc",
                                ),
                                "Principal Delgado",
                                8,
                                15,
                                "done",
                            ),
                            (
                                T(
                                    "Test every student in reading three times a year",
                                    "Evaluar la lectura de cada alumno tres veces al año",
                                    "每年对每个学生进行三次阅读测试",
                                    "Kiểm tra đọc cho mọi học sinh ba lần mỗi năm",
                                ),
                                "Reading coach",
                                6,
                                1,
                                "in_progress",
                            ),
                        ],
                    )
                ],
                [
                    (
                        T(
                            "Reading intervention teacher",
                            "Maestro de intervención de lectura",
                            "阅读辅导教师",
                            "Giáo viên hỗ trợ đọc",
                        ),
                        "1000",
                        98000,
                        1,
                        {"supplemental": 98000},
                    ),
                    (
                        T(
                            "Books in Spanish, Chinese and Vietnamese for the classroom libraries",
                            "Libros en español, chino y vietnamita para las bibliotecas de aula",
                            "为班级图书角购买西班牙语、中文和越南语图书",
                            "Sách tiếng Tây Ban Nha, tiếng Trung và tiếng Việt cho thư viện lớp học",
                        ),
                        "4000",
                        12000,
                        3,
                        {"base": 12000},
                    ),
                    (
                        T(
                            "Training for teachers on teaching reading to English learners",
                            "Capacitación para maestros sobre la enseñanza de lectura a estudiantes de inglés",
                            "为教师提供关于英语学习者阅读教学的培训",
                            "Đào tạo giáo viên dạy đọc cho học sinh học tiếng Anh",
                        ),
                        "5000",
                        18000,
                        4,
                        {"title-i": 18000},
                    ),
                ],
            ),
            (
                T(
                    "Raise the share of families who come to at least one school meeting from 30% to 50%.",
                    "Aumentar el porcentaje de familias que asisten al menos a una reunión escolar del 30 % al 50 %.",
                    "将至少参加一次学校会议的家庭比例从 30% 提高到 50%。",
                    "Nâng tỷ lệ gia đình tham dự ít nhất một cuộc họp của trường từ 30% lên 50%.",
                ),
                T(
                    "Share of families signed in at a school meeting",
                    "Porcentaje de familias que firman en una reunión escolar",
                    "在学校会议上签到的家庭比例",
                    "Tỷ lệ gia đình ký tên tại một cuộc họp của trường",
                ),
                30,
                50,
                2,
                [
                    (
                        T(
                            "Meetings at times families can come, with interpretation and childcare",
                            "Reuniones en horarios convenientes, con interpretación y cuidado de niños",
                            "在家庭方便的时间开会，并提供口译和托儿服务",
                            "Họp vào giờ gia đình có thể đến, có phiên dịch và giữ trẻ",
                        ),
                        [
                            (
                                T(
                                    "Ask families which times work best",
                                    "Preguntar a las familias qué horarios les convienen",
                                    "询问家庭哪些时间最合适",
                                    "Hỏi gia đình giờ nào phù hợp nhất",
                                ),
                                "Community liaison",
                                9,
                                30,
                                "done",
                            ),
                            (
                                T(
                                    "Share the draft budget with the site council and the ELAC",
                                    "Compartir el presupuesto preliminar con el consejo escolar y el ELAC",
                                    "与学校管理委员会和 ELAC 分享预算草案",
                                    "Chia sẻ dự thảo ngân sách với hội đồng trường và ELAC",
                                ),
                                "Principal Delgado",
                                3,
                                1,
                                "not_started",
                            ),
                        ],
                    )
                ],
                [
                    (
                        T(
                            "Community liaison, half time",
                            "Enlace comunitario, medio tiempo",
                            "社区联络员（半职）",
                            "Nhân viên liên lạc cộng đồng, bán thời gian",
                        ),
                        "2000",
                        42000,
                        2,
                        {"title-i": 30000, "base": 12000},
                    ),
                    (
                        T(
                            "Interpretation and childcare at meetings",
                            "Interpretación y cuidado de niños en las reuniones",
                            "会议口译和托儿服务",
                            "Phiên dịch và giữ trẻ tại các cuộc họp",
                        ),
                        "5800",
                        9000,
                        3,
                        {"base": 9000},
                    ),
                    (
                        T(
                            "Family reading nights",
                            "Noches de lectura en familia",
                            "家庭阅读之夜",
                            "Đêm đọc sách gia đình",
                        ),
                        "5800",
                        6000,
                        5,
                        {},
                    ),
                ],
            ),
        ],
    ),
    "oak-grove-elementary": (
        "approved",
        [
            (
                T(
                    "Raise the share of fifth graders proficient in math from 60% to 75% by June 2027.",
                    "Aumentar el porcentaje de alumnos de quinto grado competentes en matemáticas del 60 % al 75 % para junio de 2027.",
                ),
                T(
                    "Share of fifth graders proficient on the state math test",
                    "Porcentaje de alumnos de quinto grado competentes en la prueba estatal de matemáticas",
                ),
                60,
                75,
                1,
                [
                    (
                        T(
                            "A math coach who works with teachers in their classrooms",
                            "Un asesor de matemáticas que trabaja con los maestros en sus aulas",
                        ),
                        [
                            (
                                T(
                                    "Coach visits every classroom twice a month",
                                    "El asesor visita cada aula dos veces al mes",
                                ),
                                "Math coach",
                                6,
                                1,
                                "in_progress",
                            )
                        ],
                    )
                ],
                [
                    (T("Math coach", "Asesor de matemáticas"), "1000", 95000, 1, {"base": 95000}),
                    (
                        T("Math games and materials", "Juegos y materiales de matemáticas"),
                        "4000",
                        8000,
                        2,
                        {"base": 8000},
                    ),
                ],
            ),
            (
                T(
                    "Cut chronic absence from 14% to 9% of students.",
                    "Reducir el ausentismo crónico del 14 % al 9 % de los alumnos.",
                ),
                T(
                    "Share of students missing 10% or more of school days",
                    "Porcentaje de alumnos que faltan el 10 % o más de los días",
                ),
                14,
                9,
                2,
                [
                    (
                        T(
                            "Call home on the first day a student is absent",
                            "Llamar a casa el primer día que falta un alumno",
                        ),
                        [
                            (
                                T("Set up the call list", "Preparar la lista de llamadas"),
                                "Office manager",
                                9,
                                1,
                                "done",
                            )
                        ],
                    )
                ],
                [
                    (
                        T("Attendance clerk, part time", "Auxiliar de asistencia, medio tiempo"),
                        "2000",
                        30000,
                        3,
                        {"supplemental": 30000},
                    )
                ],
            ),
        ],
    ),
    "frederick-douglass-middle": (
        "shared",
        [
            (
                T(
                    "Raise the share of eighth graders ready for algebra from 41% to 55%.",
                    "Aumentar el porcentaje de alumnos de octavo grado listos para álgebra del 41 % al 55 %.",
                ),
                T(
                    "Share of eighth graders passing the algebra readiness test",
                    "Porcentaje de alumnos de octavo grado que aprueban la prueba de preparación para álgebra",
                ),
                41,
                55,
                1,
                [
                    (
                        T(
                            "After-school math help four days a week",
                            "Ayuda de matemáticas después de clases cuatro días por semana",
                        ),
                        [
                            (
                                T(
                                    "Hire tutors from the high school and the college",
                                    "Contratar tutores de la preparatoria y de la universidad",
                                ),
                                "Assistant principal",
                                9,
                                15,
                                "done",
                            )
                        ],
                    )
                ],
                [
                    (
                        T("After-school tutors", "Tutores después de clases"),
                        "2000",
                        40000,
                        1,
                        {"title-i": 40000},
                    ),
                    (
                        T(
                            "Second math teacher for double-period classes",
                            "Segundo maestro de matemáticas para clases de doble período",
                        ),
                        "1000",
                        105000,
                        2,
                        {"supplemental": 105000},
                    ),
                    (
                        T(
                            "Online math practice licences",
                            "Licencias de práctica de matemáticas en línea",
                        ),
                        "4000",
                        15000,
                        3,
                        {"base": 15000},
                    ),
                ],
            ),
            (
                T(
                    "Every English learner meets with a counselor twice a year.",
                    "Cada estudiante de inglés se reúne con un consejero dos veces al año.",
                ),
                T(
                    "Share of English learners with two counselor meetings",
                    "Porcentaje de estudiantes de inglés con dos reuniones con el consejero",
                ),
                35,
                100,
                2,
                [
                    (
                        T(
                            "A counselor who speaks Spanish and Vietnamese",
                            "Un consejero que hable español y vietnamita",
                        ),
                        [
                            (
                                T(
                                    "Schedule meetings in the fall and spring",
                                    "Programar reuniones en otoño y primavera",
                                ),
                                "Counselor",
                                10,
                                1,
                                "in_progress",
                            )
                        ],
                    )
                ],
                [
                    (
                        T("Bilingual counselor", "Consejero bilingüe"),
                        "1000",
                        92000,
                        2,
                        {"supplemental": 60000, "base": 32000},
                    )
                ],
            ),
        ],
    ),
    "eastside-high": (
        "shared",
        [
            (
                T(
                    "Raise the graduation rate from 82% to 88%.",
                    "Aumentar la tasa de graduación del 82 % al 88 %.",
                ),
                T("Four-year graduation rate", "Tasa de graduación en cuatro años"),
                82,
                88,
                1,
                [
                    (
                        T(
                            "Credit recovery during the school day",
                            "Recuperación de créditos durante el día escolar",
                        ),
                        [
                            (
                                T(
                                    "Identify every senior who is behind in credits",
                                    "Identificar a cada alumno de último año atrasado en créditos",
                                ),
                                "Counselors",
                                9,
                                30,
                                "done",
                            )
                        ],
                    )
                ],
                [
                    (
                        T("Credit recovery teacher", "Maestro de recuperación de créditos"),
                        "1000",
                        110000,
                        1,
                        {"supplemental": 110000},
                    ),
                    (
                        T(
                            "Summer bridge program for ninth graders",
                            "Programa de verano de transición para noveno grado",
                        ),
                        "5000",
                        35000,
                        2,
                        {"title-i": 35000},
                    ),
                ],
            ),
        ],
    ),
}
# Last year's César Chávez goal values, so the page shows progress over years.
PROGRESS = {
    "cesar-chavez-elementary": [
        (("2025-26", 44), ("2026-27", 48)),
        (("2025-26", 26), ("2026-27", 30)),
    ]
}


def _year(district_id: int, label: str) -> SchoolYear | None:
    return db.session.scalars(
        select(SchoolYear).where(SchoolYear.district_id == district_id, SchoolYear.label == label)
    ).first()


def _local(zone: ZoneInfo, year: SchoolYear, month: int, day: int, hour: int) -> datetime:
    calendar_year = year.starts_on.year if month >= 7 else year.ends_on.year
    return datetime.combine(date(calendar_year, month, day), time(hour), zone).astimezone(UTC)


def load_planning_demo(district) -> None:
    """Create or refresh the demo's calendar, district planning lists and school plans."""
    year = current_year(district.id)
    zone = ZoneInfo(district.timezone)
    schools = {
        s.slug: s
        for s in db.session.scalars(select(School).where(School.district_id == district.id))
    }

    # Glossary, district goals, categories.
    db.session.execute(delete(GlossaryTerm).where(GlossaryTerm.district_id == district.id))
    for slug, term, definition in GLOSSARY:
        db.session.add(
            GlossaryTerm(
                district_id=district.id,
                slug=slug,
                term=term,
                definition=definition,
                source_locale="en",
            )
        )
    db.session.execute(
        delete(SchoolPlan).where(SchoolPlan.school_id.in_([s.id for s in schools.values()]))
    )
    db.session.execute(delete(DistrictGoal).where(DistrictGoal.district_id == district.id))
    goals = [
        DistrictGoal(
            district_id=district.id, school_year_id=year.id, title=t, position=i, source_locale="en"
        )
        for i, t in enumerate(DISTRICT_GOALS)
    ]
    db.session.add_all(goals)
    categories = {}
    existing = {
        c.code: c
        for c in db.session.scalars(
            select(InvestmentCategory).where(InvestmentCategory.district_id == district.id)
        )
    }
    for position, (code, name) in enumerate(CATEGORIES):
        category = existing.get(code) or InvestmentCategory(district_id=district.id, code=code)
        category.name, category.position, category.source_locale = name, position, "en"
        db.session.add(category)
        categories[code] = category
    db.session.flush()

    # Restricted streams may pay for these categories only.
    streams = {(s.name or {}).get("en"): s for s in funding.streams_for(district.id, year.id)}
    stream_keys = {
        "base": streams.get("Base grant (unrestricted)"),
        "supplemental": streams.get("Supplemental and concentration grant"),
        "title-i": streams.get("Title I (federal)"),
    }
    if stream_keys["title-i"] is not None:
        stream_keys["title-i"].allowed_categories = [
            categories[c] for c in ("1000", "2000", "5000", "5800")
        ]

    # Phases, the template's requirements, district-wide deadlines, school events.
    db.session.execute(delete(PhaseWindow).where(PhaseWindow.district_id == district.id))
    db.session.execute(delete(EventRequirement).where(EventRequirement.district_id == district.id))
    start = year.starts_on.year
    for phase, starts, ends in (
        ("engage", date(start, 7, 1), date(start, 8, 31)),
        ("reflect", date(start, 9, 1), date(start, 11, 30)),
        ("prioritize", date(start, 12, 1), date(start + 1, 2, 28)),
        ("decide", date(start + 1, 3, 1), date(start + 1, 6, 30)),
    ):
        db.session.add(
            PhaseWindow(
                district_id=district.id,
                school_year_id=year.id,
                phase=phase,
                starts_on=starts,
                ends_on=ends,
            )
        )
    for phase, kind, count, due in (
        ("reflect", "site_council", 2, date(start, 10, 15)),
        ("reflect", "survey_window", 1, date(start, 10, 1)),
        ("prioritize", "site_council", 1, date(start, 12, 15)),
        ("decide", "budget_review", 1, date(start + 1, 2, 15)),
    ):
        db.session.add(
            EventRequirement(
                district_id=district.id,
                school_year_id=year.id,
                phase=phase,
                kind=kind,
                min_count=count,
                due_on=due,
            )
        )
    events = {
        e.uid: e
        for e in db.session.scalars(
            select(CalendarEvent).where(CalendarEvent.district_id == district.id)
        )
    }
    wanted = set()

    def upsert(uid, **values):
        wanted.add(uid)
        event = events.get(uid) or CalendarEvent(
            uid=uid, district_id=district.id, school_year_id=year.id
        )
        for key, value in values.items():
            setattr(event, key, value)
        event.source_locale = "en"
        db.session.add(event)

    for n, (phase, kind, title, month, day, hour) in enumerate(DISTRICT_EVENTS):
        upsert(
            f"demo-district-{n}",
            school_id=None,
            phase=phase,
            kind=kind,
            title=title,
            description={},
            starts_at=_local(zone, year, month, day, hour),
            ends_at=None,
            place="",
            online_url="",
            interpretation=False,
            childcare=False,
            committee="",
        )
    for index, school in enumerate(sorted(schools.values(), key=lambda s: s.slug)):
        for n, (phase, kind, title, month, day, hour, interp, care, committee) in enumerate(
            SCHOOL_EVENTS
        ):
            # Lincoln has not scheduled its fall meetings yet: the dashboard shows it behind.
            if school.slug == "lincoln-elementary" and phase == "reflect":
                continue
            starts = _local(zone, year, month, day, hour) + timedelta(days=index % 3)
            upsert(
                f"demo-{school.slug}-{n}",
                school_id=school.id,
                phase=phase,
                kind=kind,
                title=title,
                description=T(
                    "Everyone is welcome. Come and have a say.",
                    "Todos son bienvenidos. Venga a opinar.",
                    "欢迎所有人参加，来发表您的意见。",
                    "Mọi người đều được chào đón. Hãy đến và góp ý.",
                ),
                starts_at=starts,
                ends_at=starts + timedelta(hours=1, minutes=30),
                place=f"{school.name}, library",
                online_url="",
                interpretation=interp,
                childcare=care,
                committee=committee,
            )
    for uid, event in events.items():
        if uid.startswith("demo-") and uid not in wanted:
            db.session.delete(event)
    db.session.flush()

    # Plans and budgets.
    previous = _year(district.id, "2025-26")
    for slug, (status, plan_goals) in PLANS.items():
        school = schools.get(slug)
        if school is None:
            continue
        _load_plan(school, year, status, plan_goals, goals, categories, stream_keys)
        if slug in PROGRESS and previous is not None:
            _load_plan(school, previous, "approved", plan_goals, goals, categories, {})
    db.session.flush()
    for slug, series in PROGRESS.items():
        for n, points in enumerate(series):
            lineage = f"demo-{slug}-{n}"
            db.session.execute(delete(GoalMeasurement).where(GoalMeasurement.lineage == lineage))
            for label, value in points:
                point_year = _year(district.id, label)
                if point_year is not None:
                    db.session.add(
                        GoalMeasurement(
                            lineage=lineage, school_year_id=point_year.id, value=Decimal(value)
                        )
                    )
    db.session.flush()


def _load_plan(
    school, year, status, plan_goals, district_goals, categories, stream_keys
) -> SchoolPlan:
    plan = SchoolPlan(
        school_id=school.id,
        school_year_id=year.id,
        status=status,
        source_locale="en",
        approved_on=(
            date(year.starts_on.year, 11, 5) if year.is_current else date(year.ends_on.year, 4, 22)
        )
        if status == "approved"
        else None,
        approval_note="7–1–1" if status == "approved" else "",
        needs={key: T(*answer) for key, answer in NEEDS.items()},
    )
    db.session.add(plan)
    for position, (
        statement,
        indicator,
        baseline,
        target,
        district_goal,
        strategies,
        investments,
    ) in enumerate(plan_goals):
        goal = Goal(
            statement=statement,
            indicator=indicator,
            baseline=Decimal(baseline),
            target=Decimal(target),
            target_date=date(year.ends_on.year, 6, 15),
            position=position,
            source_locale="en",
            lineage=f"demo-{school.slug}-{position}",
            district_goal_id=district_goals[district_goal].id if year.is_current else None,
        )
        plan.goals.append(goal)
        for s_position, (description, actions) in enumerate(strategies):
            strategy = Strategy(description=description, position=s_position, source_locale="en")
            goal.strategies.append(strategy)
            for a_position, (text, owner, month, day, action_status) in enumerate(actions):
                due_year = year.starts_on.year if month >= 7 else year.ends_on.year
                strategy.actions.append(
                    PlanAction(
                        description=text,
                        owner=owner,
                        due_on=date(due_year, month, day),
                        status=action_status,
                        position=a_position,
                        source_locale="en",
                    )
                )
        db.session.flush()
        for description, category, cost, priority, funded_by in investments:
            investment = Investment(
                goal_id=goal.id,
                strategy_id=goal.strategies[0].id if goal.strategies else None,
                category_id=categories[category].id,
                description=description,
                cost_cents=cost * 100,
                priority=priority,
                source_locale="en",
            )
            plan.investments.append(investment)
            for key, dollars in funded_by.items():
                stream: FundingStream | None = stream_keys.get(key)
                if stream is not None:
                    plans.set_budget_line(investment, stream.id, dollars * 100)
    return plan


NEEDS = {
    "focus_areas": (
        "Early reading, and families taking part in school decisions.",
        "La lectura temprana y la participación de las familias en las decisiones escolares.",
        "早期阅读，以及家庭参与学校决策。",
        "Đọc sớm, và gia đình tham gia các quyết định của trường.",
    ),
    "gaps": (
        "English learners read a full year behind other students by third grade.",
        "Los estudiantes de inglés leen un año completo por detrás de los demás en tercer grado.",
        "到三年级时，英语学习者的阅读水平比其他学生落后整整一年。",
        "Đến lớp ba, học sinh học tiếng Anh đọc chậm hơn các bạn khác cả một năm.",
    ),
    "subgroups": (
        "Families who speak Vietnamese rarely come to meetings.",
        "Las familias que hablan vietnamita casi no vienen a las reuniones.",
        "讲越南语的家庭很少参加会议。",
        "Các gia đình nói tiếng Việt hiếm khi đến họp.",
    ),
}
