"""The demo district's planning lists: a glossary, district goals, spending categories, the
needs assessment every demo plan answers, and last year's goal values at César Chávez."""


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

# Last year's César Chávez goal values, so the page shows progress over years.
PROGRESS = {
    "cesar-chavez-elementary": [
        (("2025-26", 44), ("2026-27", 48)),
        (("2025-26", 26), ("2026-27", 30)),
    ]
}
