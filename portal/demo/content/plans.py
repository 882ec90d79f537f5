"""The demo school plans: goals, strategies, actions and investments at four schools (César
Chávez in every language). The two secondary schools' plans are in plans_secondary.py."""

from portal.demo.content.planning import T
from portal.demo.content.plans_secondary import SECONDARY

# Plans: school -> (status: draft or shared, goals). Goal: (statement, indicator, baseline,
# target, district goal index, strategies [(description, [(action, owner, month, day, status)])],
# investments [(description, category, cost dollars, priority, {stream key: dollars})]).
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
    # Shared, then approved by the site council's vote on 5 November (content/committees.py).
    "oak-grove-elementary": (
        "shared",
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
    **SECONDARY,
}
