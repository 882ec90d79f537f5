"""The demo bulletins: seven over three months, in English and Spanish, one in every language,
one addressed to two schools, and one scheduled."""

from datetime import UTC, datetime

from portal.demo.content import T

# (slug, published, title, summary, body, sms, schools, links)
BULLETINS = [
    (
        "2026-09-welcome",
        datetime(2026, 9, 2, 16, tzinfo=UTC),
        T(
            "Welcome back: how this year's budget will be decided",
            "Bienvenidos: cómo se decidirá el presupuesto de este año",
            "欢迎回来：今年的预算将如何决定",
            "Chào mừng trở lại: ngân sách năm nay sẽ được quyết định thế nào",
            "أهلًا بعودتكم: كيف ستُقرَّر ميزانية هذا العام",
        ),
        T(
            "Each school gets money for every student, and more for students who need more. You can check the arithmetic.",
            "Cada escuela recibe dinero por cada estudiante, y más por quienes necesitan más. Usted puede comprobar las cuentas.",
            "每所学校按学生人数获得经费，需要更多帮助的学生会获得更多经费。您可以自己核对计算。",
            "Mỗi trường nhận tiền cho từng học sinh, và nhiều hơn cho học sinh cần nhiều hỗ trợ hơn. Quý vị có thể tự kiểm tra phép tính.",
            "تحصل كل مدرسة على مبلغ عن كل طالب، وعلى أكثر للطلاب الذين يحتاجون إلى دعم أكبر. يمكنكم التحقق من الحساب بأنفسكم.",
        ),
        T(
            "This year every school's budget starts from **the same rule**: an amount for each student, plus more for students in poverty, English learners and students in special education.\n\n- Look up your school's page and open **Budget**.\n- Come to your site council's fall meeting.\n- Tell us what matters most in the family survey.",
            "Este año el presupuesto de cada escuela parte de **la misma regla**: una cantidad por estudiante, más dinero para estudiantes de bajos ingresos, estudiantes de inglés y de educación especial.\n\n- Busque la página de su escuela y abra **Presupuesto**.\n- Venga a la reunión de otoño del consejo escolar.\n- Díganos qué es lo más importante en la encuesta para familias.",
            "今年，每所学校的预算都从**同一条规则**开始：每位学生一笔经费，低收入家庭学生、英语学习者和特殊教育学生另有更多经费。\n\n- 找到您孩子学校的页面，打开**预算**。\n- 参加学校管理委员会的秋季会议。\n- 在家庭问卷中告诉我们什么最重要。",
            "Năm nay ngân sách của mỗi trường bắt đầu từ **cùng một quy tắc**: một khoản cho mỗi học sinh, cộng thêm cho học sinh nghèo, học sinh học tiếng Anh và học sinh giáo dục đặc biệt.\n\n- Tìm trang của trường quý vị và mở **Ngân sách**.\n- Đến dự cuộc họp mùa thu của hội đồng trường.\n- Cho chúng tôi biết điều gì quan trọng nhất trong khảo sát gia đình.",
            "تبدأ ميزانية كل مدرسة هذا العام من **القاعدة نفسها**: مبلغ عن كل طالب، ومبلغ إضافي للطلاب من الأسر محدودة الدخل ومتعلمي اللغة الإنجليزية وطلاب التربية الخاصة.\n\n- ابحثوا عن صفحة مدرستكم وافتحوا **الميزانية**.\n- احضروا اجتماع الخريف لمجلس المدرسة.\n- أخبرونا بما يهمكم أكثر في استبيان الأسر.",
        ),
        T(
            "School budgets this year: see your school's numbers and have a say.",
            "Presupuestos escolares: vea los números de su escuela y opine.",
            "今年的学校预算：查看您学校的数字并发表意见。",
            "Ngân sách trường năm nay: xem số liệu của trường và góp ý.",
            "ميزانيات المدارس هذا العام: اطّلعوا على أرقام مدرستكم وشاركوا برأيكم.",
        ),
        [],
        [{"kind": "budget", "slug": "cesar-chavez-elementary"}],
    ),
    (
        "2026-09-council-seats",
        datetime(2026, 9, 18, 16, tzinfo=UTC),
        T("Join your school's site council", "Forme parte del consejo escolar"),
        T(
            "Parent seats are open at every school. Meetings have interpretation and childcare.",
            "Hay puestos para padres en todas las escuelas. Las reuniones tienen interpretación y cuidado de niños.",
        ),
        T(
            "Site councils review and approve each school's plan and budget. Half the seats are for parents and community members.\n\nAsk at the front office, or come to the first meeting.",
            "Los consejos escolares revisan y aprueban el plan y el presupuesto de cada escuela. La mitad de los puestos son para padres y miembros de la comunidad.\n\nPregunte en la oficina o venga a la primera reunión.",
        ),
        T(
            "Parent seats open on your school's site council. Ask at the office.",
            "Puestos para padres en el consejo escolar. Pregunte en la oficina.",
        ),
        [],
        [],
    ),
    (
        "2026-10-survey-open",
        datetime(2026, 10, 15, 15, tzinfo=UTC),
        T("The family survey is open", "La encuesta para familias está abierta"),
        T(
            "Ten minutes, anonymous, in four languages, online or on paper.",
            "Diez minutos, anónima, en cuatro idiomas, en línea o en papel.",
        ),
        T(
            "Your answers help each school choose what comes first. We never store who answered.\n\nPaper copies are at every school office.",
            "Sus respuestas ayudan a cada escuela a decidir qué va primero. Nunca guardamos quién respondió.\n\nHay copias en papel en la oficina de cada escuela.",
        ),
        T(
            "Family survey open: 10 minutes, anonymous.",
            "Encuesta para familias abierta: 10 minutos, anónima.",
        ),
        [],
        [],
    ),
    (
        "2026-10-reading-nights",
        datetime(2026, 10, 28, 16, tzinfo=UTC),
        T(
            "Family reading nights at César Chávez and Oak Grove",
            "Noches de lectura en familia en César Chávez y Oak Grove",
        ),
        T(
            "Books in Spanish, Chinese and Vietnamese to take home.",
            "Libros en español, chino y vietnamita para llevar a casa.",
        ),
        T(
            "Bring the whole family. Dinner is served at 5:30.",
            "Traiga a toda la familia. La cena se sirve a las 5:30.",
        ),
        T(
            "Reading night Thursday 5:30, dinner and books.",
            "Noche de lectura el jueves a las 5:30, cena y libros.",
        ),
        ["cesar-chavez-elementary", "oak-grove-elementary"],
        [{"kind": "plan", "slug": "cesar-chavez-elementary"}],
    ),
    (
        "2026-11-plans-shared",
        datetime(2026, 11, 4, 16, tzinfo=UTC),
        T(
            "School plans are shared for your feedback",
            "Los planes escolares se comparten para sus comentarios",
        ),
        T(
            "Read your school's goals and what they cost, then tell the site council what you think.",
            "Lea las metas de su escuela y lo que cuestan, y diga al consejo escolar lo que piensa.",
        ),
        T(
            "Every plan lists its goals first, then what the school will do and what it costs.",
            "Cada plan presenta primero sus metas, luego lo que hará la escuela y lo que cuesta.",
        ),
        T(
            "School plans are out: read them and have a say.",
            "Ya están los planes escolares: léalos y opine.",
        ),
        [],
        [],
    ),
    (
        "2026-11-allocation-dates",
        datetime(2026, 11, 19, 16, tzinfo=UTC),
        T(
            "Key dates: allocations in February, plans in May",
            "Fechas clave: asignaciones en febrero, planes en mayo",
        ),
        T(
            "The district releases every school's allocation on February 15.",
            "El distrito publica la asignación de cada escuela el 15 de febrero.",
        ),
        T(
            "Each school's calendar shows these dates, and you can add them to your phone.",
            "El calendario de cada escuela muestra estas fechas, y puede agregarlas a su teléfono.",
        ),
        T(
            "Allocations Feb 15, plans due May 15.",
            "Asignaciones el 15 feb., planes el 15 de mayo.",
        ),
        [],
        [],
    ),
]
SCHEDULED = (
    "2026-12-winter-priorities",
    datetime(2026, 12, 1, 16, tzinfo=UTC),
    T("Winter: choosing priorities", "Invierno: elegir prioridades"),
    T("How schools will choose what comes first.", "Cómo elegirán las escuelas qué va primero."),
    T(
        "In winter each site council sets priorities.",
        "En invierno cada consejo escolar fija prioridades.",
    ),
    T("Winter priorities: come to your council.", "Prioridades de invierno: venga a su consejo."),
    [],
    [],
)
