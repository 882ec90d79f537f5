"""The demo district: its name and tagline, its nine schools (slug, name, level, address,
enrollment, description), its two school years, and the demo accounts."""

from datetime import date

from portal.models import Role

DISTRICT = {
    "slug": "riverbend",
    "name": "Riverbend Unified School District",
    "tagline": {
        "en": "Every school's plan and budget, in plain language, all year long.",
        "es": "El plan y el presupuesto de cada escuela, en lenguaje claro, todo el año.",
        "zh_Hans": "每所学校的计划和预算，用通俗易懂的语言，全年公开。",
        "vi": "Kế hoạch và ngân sách của mỗi trường, bằng ngôn ngữ dễ hiểu, quanh năm.",
        "ar": "خطة كل مدرسة وميزانيتها، بلغة واضحة، طوال العام.",
    },
}

# (slug, name, level, address, enrollment, description)
# The part of Riverbend each school is in, for browsing the school list by area.
SCHOOL_AREAS = {
    "cesar-chavez-elementary": "Eastside",
    "oak-grove-elementary": "Northside",
    "lincoln-elementary": "Downtown",
    "harbor-view-elementary": "Harbor",
    "sequoia-middle": "Northside",
    "frederick-douglass-middle": "Eastside",
    "riverbend-high": "Downtown",
    "eastside-high": "Eastside",
    "bridgeway-continuation": "Harbor",
}
SCHOOLS = [
    (
        "cesar-chavez-elementary",
        "César Chávez Elementary",
        "elementary",
        "1450 Mission Rd, Riverbend",
        412,
        {
            "en": "A neighborhood school of 412 students, two-thirds of them learning English. "
            "Our site council meets monthly with Spanish interpretation and childcare.",
            "es": "Una escuela de barrio con 412 estudiantes; dos tercios están aprendiendo "
            "inglés. Nuestro consejo escolar se reúne cada mes con interpretación al español "
            "y cuidado de niños.",
            "zh_Hans": "一所有412名学生的社区学校，其中三分之二正在学习英语。"
            "我们的学校委员会每月开会，提供西班牙语口译和托儿服务。",
            "vi": "Một trường khu phố với 412 học sinh, hai phần ba đang học tiếng Anh. "
            "Hội đồng trường họp hằng tháng, có thông dịch tiếng Tây Ban Nha và giữ trẻ.",
            "ar": "مدرسة حيّ فيها 412 طالبًا، ثلثاهم يتعلمون اللغة الإنجليزية. "
            "يجتمع مجلس المدرسة كل شهر مع ترجمة فورية إلى الإسبانية ورعاية للأطفال.",
        },
    ),
    (
        "oak-grove-elementary",
        "Oak Grove Elementary",
        "elementary",
        "220 Oak Grove Ave, Riverbend",
        538,
        {
            "en": "Oak Grove focuses on early reading and a full-day transitional kindergarten.",
            "es": "Oak Grove se centra en la lectura temprana y un kínder de transición "
            "de día completo.",
        },
    ),
    (
        "lincoln-elementary",
        "Lincoln Elementary",
        "elementary",
        "9 Lincoln Way, Riverbend",
        367,
        {"en": "A small school with a strong family volunteer program and a school garden."},
    ),
    (
        "harbor-view-elementary",
        "Harbor View Elementary",
        "elementary",
        "3100 Bayshore Blvd, Riverbend",
        451,
        {
            "en": "Harbor View offers Vietnamese and Cantonese family liaisons.",
            "vi": "Trường Harbor View có nhân viên liên lạc gia đình nói tiếng Việt và "
            "tiếng Quảng Đông.",
        },
    ),
    (
        "sequoia-middle",
        "Sequoia Middle School",
        "middle",
        "800 Redwood Dr, Riverbend",
        742,
        {
            "en": "Grades 6 to 8, with a science magnet program and after-school tutoring.",
            "es": "Grados 6 a 8, con un programa magnet de ciencias y tutoría después de clases.",
        },
    ),
    (
        "frederick-douglass-middle",
        "Frederick Douglass Middle School",
        "middle",
        "55 Freedom Ave, Riverbend",
        689,
        {"en": "A middle school known for music, debate and its newcomer program."},
    ),
    (
        "riverbend-high",
        "Riverbend High School",
        "high",
        "1 Scholar Ln, Riverbend",
        1876,
        {
            "en": "The district's comprehensive high school, with career pathways in health, "
            "engineering and the arts.",
            "es": "La preparatoria integral del distrito, con trayectorias profesionales en "
            "salud, ingeniería y artes.",
        },
    ),
    (
        "eastside-high",
        "Eastside High School",
        "high",
        "4700 E 14th St, Riverbend",
        1422,
        {"en": "Eastside offers dual enrollment with the community college."},
    ),
    (
        "bridgeway-continuation",
        "Bridgeway Continuation High School",
        "other",
        "12 Bridge St, Riverbend",
        164,
        {
            "en": "Small classes and flexible schedules for students catching up on credits.",
            "es": "Clases pequeñas y horarios flexibles para estudiantes que recuperan créditos.",
        },
    ),
]

# (label, first day, last day, current)
YEARS = [
    ("2025-26", date(2025, 7, 1), date(2026, 6, 30), False),
    ("2026-27", date(2026, 7, 1), date(2027, 6, 30), True),
]

# (role, name, schools by slug)
USERS = [
    (Role.ADMIN, "Alex Rivera", []),
    (Role.DISTRICT, "Dana Okafor", []),
    (Role.COMMS, "Mai Nguyen", []),
    (Role.PRINCIPAL, "Rosa Delgado", ["cesar-chavez-elementary", "oak-grove-elementary"]),
    (Role.COUNCIL, "Jamal Carter", ["cesar-chavez-elementary"]),
    (Role.FACILITATOR, "Priya Shah", []),
]
