"""The SSFR Tier 1 survey template: the guidebook's six areas (Table 4.1), its sample items
(Table 2.3) and more written in the same spirit, in every portal language.

Each item is (key, {locale: statement}); all are answered on the 4-point agreement scale.
Keys are stable so that this year's survey can be compared with last year's, item by item.
"""

TITLE = {
    "en": "Is our district ready for per-pupil budgeting?",
    "es": "¿Está nuestro distrito listo para el presupuesto por estudiante?",
    "zh_Hans": "我们学区准备好实行按学生拨款的预算了吗？",
    "vi": "Học khu của chúng ta đã sẵn sàng lập ngân sách theo từng học sinh chưa?",
    "ar": "هل منطقتنا التعليمية مستعدة للميزانية على أساس الطالب؟",
}

INTRO = {
    "en": "Tell us what you think about how our schools plan and spend their money. "
    "It takes about 10 minutes. Your answers are anonymous: we never ask your name.",
    "es": "Díganos qué piensa sobre cómo nuestras escuelas planifican y gastan su dinero. "
    "Toma unos 10 minutos. Sus respuestas son anónimas: nunca le pedimos su nombre.",
    "zh_Hans": "请告诉我们您对学校如何规划和使用经费的看法。大约需要10分钟。"
    "您的回答是匿名的：我们从不询问您的姓名。",
    "vi": "Hãy cho chúng tôi biết suy nghĩ của quý vị về cách các trường lập kế hoạch và chi "
    "tiêu ngân sách. Mất khoảng 10 phút. Câu trả lời của quý vị được ẩn danh: chúng tôi "
    "không bao giờ hỏi tên quý vị.",
    "ar": "أخبرنا برأيك في الطريقة التي تخطط بها مدارسنا لإنفاق أموالها وتنفقها. يستغرق ذلك نحو "
    "10 دقائق. إجاباتك مجهولة الهوية: لا نسأل أبدًا عن اسمك.",
}

ITEMS = {
    "transparency": [
        (
            "transparency.understand_allocation",
            {
                "en": "I understand how resources (e.g., staff, funds) are allocated to my school.",
                "es": "Entiendo cómo se asignan los recursos (por ejemplo, personal y fondos) "
                "a mi escuela.",
                "zh_Hans": "我了解资源（例如教职员工、经费）是如何分配给我的学校的。",
                "vi": "Tôi hiểu cách các nguồn lực (ví dụ: nhân viên, ngân quỹ) được phân bổ "
                "cho trường của tôi.",
                "ar": "أفهم كيف تُوزَّع الموارد (مثل الموظفين والأموال) على مدرستي.",
            },
        ),
        (
            "transparency.budget_explained",
            {
                "en": "My school explains its budget in a way I can understand.",
                "es": "Mi escuela explica su presupuesto de una manera que puedo entender.",
                "zh_Hans": "我的学校用我能理解的方式解释它的预算。",
                "vi": "Trường của tôi giải thích ngân sách theo cách tôi có thể hiểu được.",
                "ar": "تشرح مدرستي ميزانيتها بطريقة أستطيع فهمها.",
            },
        ),
        (
            "transparency.feedback_loop",
            {
                "en": "When I give feedback, I hear back about what was done with it.",
                "es": "Cuando doy mi opinión, me informan qué se hizo con ella.",
                "zh_Hans": "当我提出意见后，我会得知这些意见是如何被处理的。",
                "vi": "Khi tôi góp ý, tôi được cho biết góp ý đó đã được xử lý thế nào.",
                "ar": "عندما أبدي رأيي، يُخبرونني بما فُعل به.",
            },
        ),
        (
            "transparency.planning_calendar",
            {
                "en": "I know when decisions about my school's plan and budget are made.",
                "es": "Sé cuándo se toman las decisiones sobre el plan y el presupuesto de mi "
                "escuela.",
                "zh_Hans": "我知道学校的计划和预算是在什么时候决定的。",
                "vi": "Tôi biết khi nào các quyết định về kế hoạch và ngân sách của trường "
                "được đưa ra.",
                "ar": "أعرف متى تُتخذ القرارات بشأن خطة مدرستي وميزانيتها.",
            },
        ),
    ],
    "engagement": [
        (
            "engagement.can_take_part",
            {
                "en": "People like me can take part in planning at my school, through the site "
                "council or other groups.",
                "es": "Las personas como yo pueden participar en la planificación de mi escuela, "
                "a través del consejo escolar u otros grupos.",
                "zh_Hans": "像我这样的人可以通过学校委员会或其他团体参与学校的规划。",
                "vi": "Những người như tôi có thể tham gia lập kế hoạch cho trường, qua hội đồng "
                "trường hoặc các nhóm khác.",
                "ar": "يستطيع أشخاص مثلي المشاركة في التخطيط في مدرستي، من خلال مجلس المدرسة أو "
                "مجموعات أخرى.",
            },
        ),
        (
            "engagement.views_respected",
            {
                "en": "The community's view of our school's needs and priorities is respected.",
                "es": "Se respeta la opinión de la comunidad sobre las necesidades y prioridades "
                "de nuestra escuela.",
                "zh_Hans": "社区对学校需求和优先事项的看法受到尊重。",
                "vi": "Quan điểm của cộng đồng về nhu cầu và ưu tiên của trường được tôn trọng.",
                "ar": "رأي المجتمع في احتياجات مدرستنا وأولوياتها محل احترام.",
            },
        ),
        (
            "engagement.meetings_accessible",
            {
                "en": "Meetings about the school budget are held at times and in languages that "
                "work for families.",
                "es": "Las reuniones sobre el presupuesto escolar se hacen en horarios e idiomas "
                "que les sirven a las familias.",
                "zh_Hans": "关于学校预算的会议在适合家庭的时间、用家庭能懂的语言举行。",
                "vi": "Các cuộc họp về ngân sách trường được tổ chức vào giờ giấc và bằng ngôn "
                "ngữ phù hợp với các gia đình.",
                "ar": "تُعقد الاجتماعات الخاصة بميزانية المدرسة في أوقات وبلغات تناسب العائلات.",
            },
        ),
        (
            "engagement.council_understands",
            {
                "en": "Site council members get the help they need to understand the budget "
                "before they vote on it.",
                "es": "Los miembros del consejo escolar reciben la ayuda que necesitan para "
                "entender el presupuesto antes de votar.",
                "zh_Hans": "学校委员会成员在投票前能得到理解预算所需的帮助。",
                "vi": "Thành viên hội đồng trường được giúp đỡ để hiểu ngân sách trước khi "
                "biểu quyết.",
                "ar": "يحصل أعضاء مجلس المدرسة على المساعدة التي يحتاجونها لفهم الميزانية قبل "
                "التصويت عليها.",
            },
        ),
    ],
    "autonomy": [
        (
            "autonomy.sufficient_autonomy",
            {
                "en": "I have sufficient autonomy to implement an instructional program that "
                "meets the needs of the students in my school.",
                "es": "Tengo suficiente autonomía para llevar a cabo un programa de enseñanza que "
                "responda a las necesidades de los estudiantes de mi escuela.",
                "zh_Hans": "我有足够的自主权来实施满足我校学生需求的教学计划。",
                "vi": "Tôi có đủ quyền tự chủ để thực hiện một chương trình giảng dạy đáp ứng "
                "nhu cầu của học sinh trong trường tôi.",
                "ar": "لديّ استقلالية كافية لتطبيق برنامج تعليمي يلبي احتياجات الطلاب في مدرستي.",
            },
        ),
        (
            "autonomy.principal_controls_funds",
            {
                "en": "Our principal can decide how to spend an important part of the school's "
                "money.",
                "es": "Nuestro director o directora puede decidir cómo gastar una parte "
                "importante del dinero de la escuela.",
                "zh_Hans": "我们的校长可以决定学校很大一部分经费的用途。",
                "vi": "Hiệu trưởng của chúng tôi có thể quyết định cách chi một phần quan trọng "
                "ngân sách của trường.",
                "ar": "يستطيع مدير مدرستنا أن يقرر كيف يُنفق جزء مهم من أموال المدرسة.",
            },
        ),
        (
            "autonomy.decisions_close_to_students",
            {
                "en": "Decisions about my school are made by people who know its students.",
                "es": "Las decisiones sobre mi escuela las toman personas que conocen a sus "
                "estudiantes.",
                "zh_Hans": "关于我的学校的决定是由了解学校学生的人做出的。",
                "vi": "Các quyết định về trường tôi do những người hiểu học sinh của trường "
                "đưa ra.",
                "ar": "يتخذ القرارات بشأن مدرستي أشخاص يعرفون طلابها.",
            },
        ),
    ],
    "innovation": [
        (
            "innovation.creative_use",
            {
                "en": "My school can use its money in creative ways that lead to real change.",
                "es": "Mi escuela puede usar su dinero de forma creativa para lograr cambios "
                "reales.",
                "zh_Hans": "我的学校可以创造性地使用经费，带来真正的改变。",
                "vi": "Trường tôi có thể sử dụng ngân sách một cách sáng tạo để tạo ra thay đổi "
                "thực sự.",
                "ar": "تستطيع مدرستي استخدام أموالها بطرق مبتكرة تؤدي إلى تغيير حقيقي.",
            },
        ),
        (
            "innovation.try_new_ideas",
            {
                "en": "Staff at my school are encouraged to try new ideas to help students learn.",
                "es": "En mi escuela se anima al personal a probar nuevas ideas para ayudar a "
                "los estudiantes a aprender.",
                "zh_Hans": "我的学校鼓励教职员工尝试新方法来帮助学生学习。",
                "vi": "Nhân viên trường tôi được khuyến khích thử những ý tưởng mới để giúp học "
                "sinh học tập.",
                "ar": "يُشجَّع الموظفون في مدرستي على تجربة أفكار جديدة لمساعدة الطلاب على التعلم.",
            },
        ),
        (
            "innovation.stop_what_fails",
            {
                "en": "My school stops spending on programs that do not work.",
                "es": "Mi escuela deja de gastar en programas que no funcionan.",
                "zh_Hans": "我的学校会停止在无效的项目上花钱。",
                "vi": "Trường tôi ngừng chi tiền cho những chương trình không hiệu quả.",
                "ar": "تتوقف مدرستي عن الإنفاق على البرامج التي لا تنجح.",
            },
        ),
    ],
    "equity": [
        (
            "equity.equitable_allocation",
            {
                "en": "I believe funds are equitably allocated to schools within our district.",
                "es": "Creo que los fondos se reparten de manera equitativa entre las escuelas "
                "de nuestro distrito.",
                "zh_Hans": "我认为学区内各学校之间的经费分配是公平的。",
                "vi": "Tôi tin rằng ngân quỹ được phân bổ công bằng cho các trường trong học khu.",
                "ar": "أعتقد أن الأموال تُوزَّع بإنصاف على المدارس في منطقتنا التعليمية.",
            },
        ),
        (
            "equity.need_drives_money",
            {
                "en": "Schools with more students in need receive more money per student.",
                "es": "Las escuelas con más estudiantes con necesidades reciben más dinero por "
                "estudiante.",
                "zh_Hans": "有更多需要帮助的学生的学校，每名学生获得的经费更多。",
                "vi": "Những trường có nhiều học sinh khó khăn hơn nhận được nhiều tiền hơn cho "
                "mỗi học sinh.",
                "ar": "المدارس التي فيها عدد أكبر من الطلاب المحتاجين تحصل على مال أكثر لكل طالب.",
            },
        ),
        (
            "equity.all_groups_served",
            {
                "en": "My school's spending helps every group of students, including English "
                "learners and students with disabilities.",
                "es": "Los gastos de mi escuela ayudan a todos los grupos de estudiantes, "
                "incluidos los que aprenden inglés y los estudiantes con discapacidades.",
                "zh_Hans": "我的学校的支出惠及每一类学生，包括英语学习者和残障学生。",
                "vi": "Việc chi tiêu của trường tôi giúp mọi nhóm học sinh, kể cả học sinh đang "
                "học tiếng Anh và học sinh khuyết tật.",
                "ar": "إنفاق مدرستي يساعد كل فئة من الطلاب، ومنهم متعلمو اللغة الإنجليزية "
                "والطلاب ذوو الإعاقة.",
            },
        ),
    ],
    "efficiency": [
        (
            "efficiency.aligned_priorities",
            {
                "en": "School budget decisions are aligned with our school priorities.",
                "es": "Las decisiones sobre el presupuesto escolar están de acuerdo con las "
                "prioridades de nuestra escuela.",
                "zh_Hans": "学校的预算决定与我们学校的优先事项一致。",
                "vi": "Các quyết định ngân sách của trường phù hợp với những ưu tiên của trường.",
                "ar": "قرارات ميزانية المدرسة متوافقة مع أولويات مدرستنا.",
            },
        ),
        (
            "efficiency.enough_time",
            {
                "en": "There is enough time in the year to make a real plan before the budget "
                "is due.",
                "es": "Hay suficiente tiempo en el año para hacer un plan real antes de la fecha "
                "límite del presupuesto.",
                "zh_Hans": "一年中有足够的时间在预算截止前制定切实的计划。",
                "vi": "Trong năm có đủ thời gian để lập một kế hoạch thực sự trước hạn nộp "
                "ngân sách.",
                "ar": "يوجد في العام وقت كافٍ لإعداد خطة حقيقية قبل الموعد النهائي لتقديم "
                "الميزانية.",
            },
        ),
        (
            "efficiency.simple_process",
            {
                "en": "The planning and budgeting process is simple and does not waste time.",
                "es": "El proceso de planificación y presupuesto es sencillo y no hace perder "
                "tiempo.",
                "zh_Hans": "规划和预算的流程简单，不浪费时间。",
                "vi": "Quy trình lập kế hoạch và ngân sách đơn giản và không tốn thời gian vô ích.",
                "ar": "عملية التخطيط وإعداد الميزانية بسيطة ولا تضيّع الوقت.",
            },
        ),
        (
            "efficiency.shared_responsibility",
            {
                "en": "Teachers and staff at schools feel a responsibility to improve the school.",
                "es": "Los maestros y el personal de las escuelas sienten la responsabilidad de "
                "mejorar la escuela.",
                "zh_Hans": "学校的教师和员工都有改进学校的责任感。",
                "vi": "Giáo viên và nhân viên các trường cảm thấy có trách nhiệm cải thiện "
                "trường học.",
                "ar": "يشعر المعلمون والموظفون في المدارس بمسؤوليتهم عن تحسين المدرسة.",
            },
        ),
    ],
}

# An optional comment at the end, so people can say what the statements missed.
CLOSING_COMMENT = (
    "closing.comment",
    {
        "en": "Is there anything else you want the district to know about how schools plan and "
        "spend their money?",
        "es": "¿Hay algo más que quiera que el distrito sepa sobre cómo las escuelas planifican "
        "y gastan su dinero?",
        "zh_Hans": "关于学校如何规划和使用经费，您还有什么想让学区知道的吗？",
        "vi": "Quý vị còn điều gì muốn học khu biết về cách các trường lập kế hoạch và chi "
        "tiêu ngân sách không?",
        "ar": "هل هناك أي شيء آخر تريد أن تعرفه المنطقة التعليمية عن الطريقة التي تخطط بها "
        "المدارس لإنفاق أموالها وتنفقها؟",
    },
)
