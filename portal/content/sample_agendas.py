"""Sample agendas for each phase of the year (guidebook ch. 3: members learn by doing)."""

SAMPLE_AGENDAS = {
    "fall": {
        "phase": "reflect",
        "title": {
            "en": "Fall: review last year's data",
            "es": "Otoño: revisar los datos del año pasado",
            "zh_Hans": "秋季：回顾去年的数据",
            "vi": "Mùa thu: xem lại dữ liệu năm trước",
            "ar": "الخريف: مراجعة بيانات العام الماضي",
        },
        "items": [
            {
                "en": "Welcome, introductions and how this council works",
                "es": "Bienvenida, presentaciones y cómo funciona este consejo",
                "zh_Hans": "欢迎、介绍以及本委员会如何运作",
                "vi": "Chào mừng, giới thiệu và cách hội đồng làm việc",
                "ar": "الترحيب، والتعارف، وكيف يعمل هذا المجلس",
            },
            {
                "en": "Last year's goals: what we met and what we did not",
                "es": "Las metas del año pasado: qué logramos y qué no",
                "zh_Hans": "去年的目标：哪些达成了，哪些没有",
                "vi": "Mục tiêu năm trước: điều đã đạt và chưa đạt",
                "ar": "أهداف العام الماضي: ما حققناه وما لم نحققه",
            },
            {
                "en": "Plan the family survey and focus groups",
                "es": "Planear la encuesta para familias y los grupos de enfoque",
                "zh_Hans": "规划家庭问卷和焦点小组",
                "vi": "Lên kế hoạch khảo sát gia đình và nhóm thảo luận",
                "ar": "التخطيط لاستبيان العائلات ومجموعات النقاش المركّزة",
            },
            {
                "en": "Questions from the public",
                "es": "Preguntas del público",
                "zh_Hans": "公众提问",
                "vi": "Câu hỏi từ công chúng",
                "ar": "أسئلة من الجمهور",
            },
        ],
    },
    "winter": {
        "phase": "prioritize",
        "title": {
            "en": "Winter: set priorities",
            "es": "Invierno: fijar prioridades",
            "zh_Hans": "冬季：确定优先事项",
            "vi": "Mùa đông: xác định ưu tiên",
            "ar": "الشتاء: تحديد الأولويات",
        },
        "items": [
            {
                "en": "What families told us",
                "es": "Lo que nos dijeron las familias",
                "zh_Hans": "家庭告诉我们的意见",
                "vi": "Điều các gia đình nói với chúng tôi",
                "ar": "ما أخبرتنا به العائلات",
            },
            {
                "en": "Rank the investments: fairness, equity, feasibility",
                "es": "Ordenar las inversiones: justicia, equidad, viabilidad",
                "zh_Hans": "为投入项目排序：公平、公正、可行",
                "vi": "Xếp hạng các khoản đầu tư: công bằng, bình đẳng, khả thi",
                "ar": "ترتيب الاستثمارات: العدالة، والإنصاف، وإمكانية التنفيذ",
            },
            {
                "en": "Budget scenarios: 10% less, 10% more",
                "es": "Escenarios de presupuesto: 10 % menos, 10 % más",
                "zh_Hans": "预算方案：少 10%、多 10%",
                "vi": "Kịch bản ngân sách: ít hơn 10%, nhiều hơn 10%",
                "ar": "سيناريوهات الميزانية: أقل بنسبة 10%، وأكثر بنسبة 10%",
            },
            {
                "en": "Questions from the public",
                "es": "Preguntas del público",
                "zh_Hans": "公众提问",
                "vi": "Câu hỏi từ công chúng",
                "ar": "أسئلة من الجمهور",
            },
        ],
    },
    "spring": {
        "phase": "decide",
        "title": {
            "en": "Spring: approve the budget",
            "es": "Primavera: aprobar el presupuesto",
            "zh_Hans": "春季：批准预算",
            "vi": "Mùa xuân: phê duyệt ngân sách",
            "ar": "الربيع: اعتماد الميزانية",
        },
        "items": [
            {
                "en": "Our allocation and where it comes from",
                "es": "Nuestra asignación y de dónde viene",
                "zh_Hans": "我们的拨款及其来源",
                "vi": "Khoản phân bổ của chúng tôi và nguồn gốc",
                "ar": "مخصصاتنا ومن أين تأتي",
            },
            {
                "en": "The draft budget by priority, and what falls below the line",
                "es": "El presupuesto preliminar por prioridad, y lo que queda debajo de la línea",
                "zh_Hans": "按优先级排列的预算草案，以及资助线以下的项目",
                "vi": "Dự thảo ngân sách theo ưu tiên, và những gì nằm dưới lằn ranh",
                "ar": "مسودة الميزانية حسب الأولوية، وما يقع تحت خط التمويل",
            },
            {
                "en": "The ELAC's advice on the plan",
                "es": "Los consejos del ELAC sobre el plan",
                "zh_Hans": "ELAC 对计划的建议",
                "vi": "Góp ý của ELAC về kế hoạch",
                "ar": "رأي اللجنة الاستشارية لمتعلمي اللغة الإنجليزية (ELAC) في الخطة",
            },
            {
                "en": "Vote: approve the school plan and budget",
                "es": "Votación: aprobar el plan y el presupuesto escolar",
                "zh_Hans": "投票：批准学校计划和预算",
                "vi": "Biểu quyết: phê duyệt kế hoạch và ngân sách của trường",
                "ar": "التصويت: اعتماد خطة المدرسة وميزانيتها",
            },
        ],
    },
}
