"""The demo plans of Frederick Douglass Middle School and Eastside High School (the same shape
as PLANS in plans.py)."""

from portal.demo.content.planning import T

SECONDARY = {
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
