"""Every total printed about a school's money adds up, on every page that prints it.

The pages mark each printed amount that is part of a sum with data-part="<sum>" and each sum
with data-total="<sum>" (templates/plans/_partials/money.html). These tests read the amounts as
printed (the text of those elements, in the reader's language), add up the parts and compare
them with the printed total; then they compare the same figure across pages: the budget page,
the plan, compare, the district page, the plan PDF (read back with pdftotext) and the
spreadsheet (its formulas evaluated here), and the editor's htmx fragments.
"""

import io
import re
import subprocess
from fractions import Fraction
from html import unescape
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import (
    FundingStream,
    Goal,
    Investment,
    Role,
    School,
    SchoolPlan,
    SchoolYear,
)
from tests import factories
from tests.conftest import PASSWORD, hx

SCHOOL = "cesar-chavez-elementary"  # Title I grant, an investment with no money assigned
PRINCIPAL = "principal@riverbend.test"  # César Chávez's principal
LANGS = ("en", "es", "zh-Hans", "vi", "ar")
WORD = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
MONEY = re.compile(r"(?:US)?\$\s?(-?[\d,]+(?:\.\d{2})?)")


def cents(text: str) -> int:
    """A printed amount ("$1,779,758.40", "$2,374,698") in cents."""
    match = MONEY.search(text)
    assert match, f"no amount in {text!r}"
    whole, _, frac = match.group(1).replace(",", "").partition(".")
    return int(whole) * 100 + int(frac or 0) * (1 if whole[0] != "-" else -1)


class Marked(HTMLParser):
    """Collects the text of every element with data-part / data-total, by sum name."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, list[str], list[str], list[str]]] = []
        self.parts: dict[str, list[str]] = {}
        self.totals: dict[str, list[str]] = {}
        self.by_row: list[dict] = []

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        self.stack.append(
            (tag, (a.get("data-part") or "").split(), (a.get("data-total") or "").split(), [])
        )

    def handle_startendtag(self, tag, attrs):
        return  # <circle/>, <br/>: no text inside

    def handle_endtag(self, tag):
        if tag not in {entry[0] for entry in self.stack}:
            return
        while self.stack:
            name, parts, totals, text = self.stack.pop()
            joined = "".join(text)
            for key in parts:
                self.parts.setdefault(key, []).append(joined)
            for key in totals:
                self.totals.setdefault(key, []).append(joined)
            if self.stack:
                self.stack[-1][3].append(joined)
            if name == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][3].append(data)


def marked(html: str) -> Marked:
    parser = Marked()
    parser.feed(html)
    return parser


def assert_sums_add_up(html: str, where: str) -> Marked:
    """Every data-total equals the sum of its data-part amounts (where it has parts)."""
    m = marked(html)
    assert m.totals, f"{where}: no totals marked"
    for key, totals in m.totals.items():
        if key not in m.parts or key in ("pupils", "per-pupil"):
            continue
        assert len(totals) == 1, f"{where}: {key} printed as a total {len(totals)} times"
        parts = [cents(p) for p in m.parts[key]]
        assert sum(parts) == cents(totals[0]), (
            f"{where}: {key} = {totals[0]} but its parts {m.parts[key]} add up to {sum(parts)}"
        )
    return m


def per_pupil(total: int, pupils: int) -> int:
    return (2 * total + pupils) // (2 * pupils)


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def _all(en, es, zh, vi, ar) -> dict:
    return factories.text(en, es=es, zh_Hans=zh, vi=vi, ar=ar)


READING = _all(
    "Raise third-grade reading from 48% to 65%.",
    "Subir la lectura en tercer grado del 48 % al 65 %.",
    "将三年级阅读达标率从48%提高到65%。",
    "Nâng tỷ lệ đọc đạt chuẩn lớp ba từ 48% lên 65%.",
    "رفع نسبة القراءة في الصف الثالث من 48٪ إلى 65٪.",
)
FAMILIES = _all(
    "Every family can take part in school decisions.",
    "Cada familia puede participar en las decisiones de la escuela.",
    "每个家庭都能参与学校决策。",
    "Mọi gia đình đều có thể tham gia các quyết định của trường.",
    "تستطيع كل أسرة المشاركة في قرارات المدرسة.",
)
TUTORS = _all("Reading tutors", "Tutores de lectura", "阅读辅导员", "Gia sư đọc", "مدرّسو القراءة")
BOOKS = _all(
    "Books for classroom libraries",
    "Libros para las bibliotecas de aula",
    "班级图书角的图书",
    "Sách cho thư viện lớp",
    "كتب لمكتبات الفصول",
)
INTERPRETERS = _all(
    "Interpretation at meetings",
    "Interpretación en las reuniones",
    "会议口译",
    "Thông dịch tại các cuộc họp",
    "الترجمة الفورية في الاجتماعات",
)
NIGHTS = _all(
    "Family reading nights",
    "Noches de lectura en familia",
    "家庭阅读之夜",
    "Đêm đọc sách gia đình",
    "أمسيات القراءة العائلية",
)


@pytest.fixture
def planned(clean_app):
    """Six schools with Table 2.2 adopted (tests/factories.py), a Title I grant at César Chávez
    and two others, and plans at three schools. César Chávez's plan, in every language, pays
    for its investments from the three streams a school receives and leaves one unfunded."""
    spec, goal = factories.InvestmentSpec, factories.goal_spec
    with clean_app.app_context():
        d = factories.district(slug="riverbend", name="Riverbend Unified")
        chavez = factories.school(d, SCHOOL, "César Chávez Elementary", enrollment=412)
        oak = factories.school(d, "oak-grove-elementary", "Oak Grove Elementary", enrollment=538)
        factories.school(d, "lincoln-elementary", "Lincoln Elementary", enrollment=367)
        factories.school(d, "sequoia-middle", "Sequoia Middle School", "middle", 742)
        douglass = factories.school(
            d, "frederick-douglass-middle", "Douglass Middle", "middle", 689
        )
        bridgeway = factories.school(d, "bridgeway-continuation", "Bridgeway", "other", 164)
        year = factories.school_year(d)
        money = factories.funding(
            d,
            year,
            shares={SCHOOL: (68, 66, 11), "bridgeway-continuation": (74, 31, 18)},
            grant_schools=[chavez, douglass, bridgeway],
        )
        reading = [
            spec(TUTORS, 90_000, 1, {"base": 60_000, "title-i": 30_000}),
            spec(BOOKS, 12_500, 2, {"supplemental": 12_500}),
        ]
        families = [
            spec(INTERPRETERS, 8_000, 3, {"supplemental": 5_000, "base": 3_000}),
            spec(NIGHTS, 6_000, 4),  # no money assigned yet
        ]
        goals = [goal(READING, reading, READING), goal(FAMILIES, families, FAMILIES)]
        factories.plan(chavez, year, goals, money=money)
        coach = [("A math coach", 95_000, 1, {"base": 95_000})]
        factories.plan(oak, year, [goal("Math coaching", coach)], money=money)
        algebra = [("After-school math", 40_000, 1, {"title-i": 40_000})]
        clerk = [("An attendance clerk", 55_000, 2, {"base": 50_000})]
        goals = [goal("Algebra readiness", algebra), goal("Attendance", clerk)]
        factories.plan(douglass, year, goals, money=money)
        factories.user(Role.PRINCIPAL, schools=[chavez], email=PRINCIPAL)
        db.session.commit()
        db.session.remove()
    return clean_app


def _school_ids(app, slug=SCHOOL):
    with app.app_context():
        school = db.session.query(School).filter_by(slug=slug).one()
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        ids = school.id, year.id, school.district_id
        db.session.remove()
        return ids


def budget_figures(client, slug, lang):
    html = client.get(f"/schools/{slug}/budget?lang={lang}").get_data(as_text=True)
    m = assert_sums_add_up(html, f"budget {slug} {lang}")
    total = cents(m.totals["money" if "money" in m.totals else "formula"][0])
    assert cents(m.totals["sources"][0]) == total  # the funds add up to the same total
    pupils = number(m.parts["pupils"][0])
    assert cents(m.totals["per-pupil"][0]) == per_pupil(total, pupils)
    goals = [cents(t) for t in m.parts.get("cost", [])]
    return {"total": total, "pupils": pupils, "m": m, "goal_costs": goals, "html": html}


def test_the_budget_page_adds_up_in_every_language_and_counts_every_grant(client, planned):
    for lang in LANGS:
        figures = budget_figures(client, SCHOOL, lang)
        m = figures["m"]
        # The grant (Title I, restricted) is one of the parts of the total, not left out.
        assert len(m.parts["money"]) == 2
        # Every goal row: cost = funded + not funded, and the goal table adds up.
        rows = list(zip(m.parts["cost"], m.parts["funded"], m.parts["unfunded"], strict=True))
        for cost, funded, unfunded in rows:
            assert cents(cost) == cents(funded) + cents(unfunded)
        # The investment with no money assigned is marked, and counted outside the funded total.
        assert cents(m.totals["unfunded"][0]) > 0
        # What the cards assign adds up to "Assigned in all".
        assert cents(m.totals["assigned"][0]) == sum(cents(p) for p in m.parts["assigned"])
    en = visible(budget_figures(client, SCHOOL, "en")["html"])
    assert "Not funded: no money is assigned to it in the budget yet." in en


def visible(html):
    """The page's text, without the space tags leave before punctuation."""
    from tests.conftest import visible_text

    return re.sub(r"\s+([,.:;])", r"\1", visible_text(html))


def test_the_same_figures_on_the_plan_compare_and_district_pages(client, planned):
    budget = budget_figures(client, SCHOOL, "en")
    for lang in ("en", "es", "zh-Hans"):
        html = client.get(f"/schools/{SCHOOL}/plan?lang={lang}").get_data(as_text=True)
        m = assert_sums_add_up(html, f"plan {lang}")
        # Each goal's "What it costs" is the sum of its listed investments (checked above) and
        # the same number as the budget page's spending by goal.
        goal_totals = [cents(v[0]) for k, v in m.totals.items() if k.startswith("goal-")]
        assert goal_totals == budget["goal_costs"]
        assert [cents(t) for t in m.parts["cost"]] == budget["goal_costs"]
        assert f"${budget['total'] // 100:,}" in visible(html)  # "Our allocation: $2,374,698"
    compare = client.get(
        f"/schools/compare?schools={SCHOOL},oak-grove-elementary,frederick-douglass-middle&lang=en"
    ).get_data(as_text=True)
    m = marked(compare)
    # Three goal tables, each adding up; César Chávez's goals cost what its budget says.
    for key in ("cost", "funded", "unfunded"):
        assert len(m.totals[key]) == 3
    costs = [cents(p) for p in m.parts["cost"]]
    assert costs[: len(budget["goal_costs"])] == budget["goal_costs"]
    text = visible(compare)
    per = per_pupil(budget["total"], budget["pupils"])
    assert f"${per / 100:,.2f} per student" in text
    district = client.get("/allocation?lang=en").get_data(as_text=True)
    m = assert_sums_add_up(district, "allocation")
    assert f"${budget['total'] // 100:,}, ${per / 100:,.2f} per student" in visible(district)


def _norm(word: str) -> str:
    """Arabic words without alef and lam (pdftotext gives their ligature in either order),
    vowel marks and brackets (which it places differently in right-to-left text)."""
    if not re.search(r"[\u0600-\u06ff]", word):
        return word
    return re.sub("[\u0627\u0623\u0625\u0622\u0644\u064b-\u0652\u0670()]", "", word)


def _logical(word: str) -> str:
    """pdftotext gives right-to-left words in visual order: turn Arabic words back."""
    return _norm(word[::-1]) if re.search(r"[\u0600-\u06ff]", word) else word


def _pdf_lines(pdf: bytes, tmp_path) -> list[list[dict]]:
    """The PDF's text as lines of fragments, from pdftotext's word boxes: words on one line
    closer than a column gap make one fragment {"x1", "x2", "text"}; lines keep page order."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    lines: list[list[dict]] = []
    for number, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S), start=1):
        width = float(re.search(r'<page width="([\d.]+)"', page).group(1))
        for x1, x2, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)', page
        ):
            # Nothing runs off the page or into its margins (0.6 inch).
            assert float(x1) >= 36 and float(x2) <= width - 36, f"{text!r} runs off the page"
        words = [
            (float(x1), float(y1), float(x2), _logical(unescape(text)))
            for x1, y1, x2, text in re.findall(
                WORD,
                page,
            )
        ]
        rows: dict[float, list] = {}
        for x1, y1, x2, text in words:
            # Scripts sit at different heights on one line (Arabic 4 pt above Latin).
            key = next((k for k in rows if abs(k - y1) < 5), y1)
            rows.setdefault(key, []).append((x1, x2, text))
        for y in sorted(rows):
            fragments: list[dict] = []
            for x1, x2, text in sorted(rows[y]):
                if fragments and x1 - fragments[-1]["x2"] < 4.5:
                    fragments[-1]["x2"] = x2
                    fragments[-1]["text"] += " " + text
                else:
                    fragments.append({"x1": x1, "x2": x2, "text": text, "y": y, "page": number})
            lines.append(fragments)
    return lines


def _budget_table(lines, total_word: str, goal_word: str, header_word: str):
    """The budget table read from the PDF: its column headers (each cell's lines joined),
    its rows as {column: cents} grouped by goal, and its total row. Amounts are right-aligned,
    so a column is the right edge of its amounts."""
    start = next(i for i, line in enumerate(lines) if any(f["text"] == header_word for f in line))
    header_y = lines[start][0]["y"]
    # The header cells: lines up to 50 pt above the first column's word (cells are aligned at
    # the bottom) and a few points below it (scripts sit at different heights).
    end = start
    while end + 1 < len(lines) and abs(lines[end + 1][0]["y"] - header_y) < 8:
        end += 1
    cells: dict[int, list[str]] = {}
    for line in lines[max(start - 6, 0) : end + 1]:
        if header_y - line[0]["y"] > 50:
            continue
        for f in line:
            key = next((k for k in cells if abs(k - f["x2"]) < 3), round(f["x2"]))
            cells.setdefault(key, []).append(f["text"])
    headers = [re.sub(r"\s+", " ", " ".join(texts)) for _k, texts in sorted(cells.items())]
    body = lines[end + 1 :]
    total_index = max(
        i for i, line in enumerate(body) if any(f["text"] == total_word for f in line)
    )
    amounts = lambda line: [(f["x2"], cents(f["text"])) for f in line if MONEY.fullmatch(f["text"])]  # noqa: E731
    columns = [x for x, _v in amounts(body[total_index])]
    totals = dict(amounts(body[total_index]))
    # A table that runs onto the next page repeats its total row at each page's foot and its
    # header at the next page's top: each repeated total is the same, and neither is a row.
    rows, skipping, header_at = [], False, None
    for line in body[:total_index]:
        if any(f["text"] == total_word for f in line) and amounts(line):
            assert dict(amounts(line)) == totals, f"a page's total differs: {line}"
            skipping = True
        elif skipping and any(f["text"] == header_word for f in line):
            skipping, header_at = False, (line[0]["page"], line[0]["y"])
        elif not skipping and not (
            header_at and line[0]["page"] == header_at[0] and abs(line[0]["y"] - header_at[1]) < 8
        ):
            rows.append(line)
    groups: list[list[dict]] = []
    for line in rows:
        words = " ".join(f["text"] for f in line).split()
        if goal_word in words and not amounts(line):  # a goal's row ("Goal 1: ..."), no amount
            groups.append([])
            continue
        found = amounts(line)
        if not found or not groups:
            continue
        row = {}
        for x, value in found:
            column = min(columns, key=lambda c: abs(c - x))
            assert abs(column - x) < 3, f"an amount off every column: {line}"
            row[column] = value
        groups[-1].append(row)
    return headers, columns, totals, groups


@pytest.mark.parametrize("lang", ["en", "es", "zh-Hans", "ar"])
def test_the_plan_pdf_adds_up_and_prints_every_funding_column(client, planned, tmp_path, lang):
    budget = budget_figures(client, SCHOOL, lang)
    response = client.get(f"/schools/{SCHOOL}/plan.pdf?lang={lang}")
    assert response.status_code == 200
    lines = _pdf_lines(response.data, tmp_path)
    text = " ".join(f["text"] for line in lines for f in line)
    locale = lang.replace("-", "_")
    with planned.test_request_context(f"/?lang={lang}"), force_locale(locale):
        total_word = _norm(gettext("Total"))
        header_word = _norm(gettext("Investment"))
        goal_word = _norm(gettext("Goal %(n)s", n=0).replace("0", "").strip())
        from portal.i18n import translated

        streams = [
            str(translated(s, "name").text)
            for s in db.session.query(FundingStream).order_by(FundingStream.position)
            if s.distribution != "central"
        ]
    headers, columns, totals, groups = _budget_table(lines, total_word, goal_word, header_word)
    # The "Budget" heading is on the page where its table starts, not stranded at a page's foot.
    budget_word = _norm(gettext_in(planned, lang, "Budget"))
    heading = next(f for line in lines for f in line if f["text"] == budget_word)
    header = next(f for line in lines for f in line if f["text"] == header_word)
    assert heading["page"] == header["page"]
    # Every funding stream's column header is printed whole (none runs off the page).
    # A header wraps onto several lines (and right to left, pdftotext may give a line's words in
    # another order): every word of the stream's name is in one column's header.
    # (pdftotext cannot give Arabic words back whole: vowel marks split them. In Arabic the
    # columns are counted and added up below; their names are checked in the other languages.)
    squeezed = [re.sub(r"\s+", "", h) for h in headers]
    for name in streams if lang != "ar" else []:
        words = [_norm(w) for w in name.split()]
        assert any(all(w in h for w in words) for h in squeezed), f"{name}: no column in {lang}"
    # The allocation and the per-student figure are the budget page's.
    assert f"${budget['total'] // 100:,}" in text
    per = per_pupil(budget["total"], budget["pupils"])
    assert f"${per / 100:,.2f}" in text
    if lang == "ar":
        columns = columns[::-1]  # right to left: the cost column is the rightmost
    cost_column, unfunded_column = columns[0], columns[-1]
    assert len(columns) == 2 + len(streams)  # cost, each stream, not funded
    # Each column adds up to its total; each row's cost is its streams plus what is not funded.
    for column in columns:
        assert sum(r.get(column, 0) for g in groups for r in g) == totals[column], column
    for row in (r for g in groups for r in g):
        assert row[cost_column] == sum(v for c, v in row.items() if c != cost_column)
    # Each goal's rows cost what the goal costs on the budget page.
    assert [sum(r[cost_column] for r in g) for g in groups] == budget["goal_costs"]
    assert totals[unfunded_column] == cents(budget["m"].totals["unfunded"][0])


def gettext_in(app, lang: str, text: str) -> str:
    with app.test_request_context(f"/?lang={lang}"), force_locale(lang.replace("-", "_")):
        return gettext(text)


def _evaluate(sheet) -> dict[str, Fraction]:
    """The workbook's values with its formulas worked out (the few functions we write)."""
    raw = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}
    done: dict[str, Fraction] = {}

    def value(ref):
        if ref not in done:
            v = raw.get(ref, 0)
            done[ref] = (
                calc(v[1:]) if isinstance(v, str) and v.startswith("=") else Fraction(str(v))
            )
        return done[ref]

    def rng(a, b):
        col = a[0]
        return [value(f"{col}{n}") for n in range(int(a[1:]), int(b[1:]) + 1)]

    def round_half_up(x, digits):
        scale = Fraction(10) ** int(digits)
        return Fraction(int(x * scale + Fraction(1, 2)), scale)

    def calc(expr):
        py = re.sub(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", r"sum(rng('\1','\2'))", expr)
        py = py.replace("ROUND(", "round_half_up(")
        py = re.sub(r"(?<!['\w])([A-Z]\d+)(?!['\w])", r"value('\1')", py)
        return eval(py, {"rng": rng, "value": value, "round_half_up": round_half_up})  # noqa: S307

    return {ref: value(ref) for ref in raw if not isinstance(raw[ref], str) or raw[ref][:1] == "="}


def test_the_spreadsheet_reproduces_the_page_total_and_per_student(client, planned):
    for slug in (SCHOOL, "oak-grove-elementary", "bridgeway-continuation"):
        budget = budget_figures(client, slug, "en")
        response = client.get(f"/schools/{slug}/budget/calculator.xlsx")
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = _evaluate(sheet)
        labels = {c.value: c.row for c in sheet["A"] if isinstance(c.value, str)}
        total = values[f"D{labels['Total']}"]
        assert total * 100 == budget["total"], slug
        assert values[f"D{labels['Per student']}"] * 100 == per_pupil(
            budget["total"], budget["pupils"]
        )


def test_prorated_allocation_adds_up_on_the_page_and_in_the_spreadsheet(client, planned):
    """Less revenue than the weights need: the formula is prorated, cents shared by largest
    remainder, and the page and the spreadsheet still give the same total."""
    with planned.app_context():
        for stream in db.session.query(FundingStream).filter_by(distribution="formula"):
            stream.revenue_cents = stream.revenue_cents * 83 // 100 + 7
        db.session.commit()
        db.session.remove()
    for slug in (SCHOOL, "lincoln-elementary", "sequoia-middle"):
        budget = budget_figures(client, slug, "es")
        assert "raw" in budget["m"].parts  # the lines before proration are printed too
        sheet = load_workbook(
            io.BytesIO(client.get(f"/schools/{slug}/budget/calculator.xlsx").data)
        ).active
        values = _evaluate(sheet)
        labels = {c.value: c.row for c in sheet["A"] if isinstance(c.value, str)}
        assert values[f"D{labels['Total']}"] * 100 == budget["total"], slug
    assert_sums_add_up(client.get("/allocation").get_data(as_text=True), "prorated allocation")


def test_without_an_allocation_the_planning_figure_draws_the_line(
    client, funded, login_as, clean_app
):
    """Before the allocation is published: the planning figure, investments above the line
    funded, the rest marked and outside the funded total, on the plan and the budget page and
    in the editor's htmx fragment."""
    school_id, year_id, _district = _school_ids(clean_app, "maple-elementary")
    with clean_app.app_context():
        from portal.models import AllocationScenario

        for scenario in db.session.query(AllocationScenario):
            scenario.status = "draft"
        plan = SchoolPlan(
            school_id=school_id,
            school_year_id=year_id,
            status="shared",
            source_locale="en",
            planning_figure_cents=100_000_00,
        )
        goal = Goal(statement={"en": "Read more"}, indicator={"en": "Share reading"})
        other = Goal(statement={"en": "Meet more"}, indicator={"en": "Share meeting"})
        plan.goals.extend([goal, other])
        db.session.add(plan)
        db.session.flush()
        for priority, cost, target in ((1, 60_000_00, goal), (2, 30_000_00, other)):
            plan.investments.append(
                Investment(
                    goal_id=target.id,
                    description={"en": f"Item {priority}"},
                    cost_cents=cost,
                    priority=priority,
                )
            )
        plan.investments.append(
            Investment(
                goal_id=goal.id, description={"en": "Item 3"}, cost_cents=25_000_00, priority=3
            )
        )
        db.session.commit()
        db.session.remove()
    for page in ("budget", "plan"):
        html = client.get(f"/schools/maple-elementary/{page}").get_data(as_text=True)
        m = assert_sums_add_up(html, page)
        assert cents(m.totals["funded"][0]) == 90_000_00
        assert cents(m.totals["unfunded"][0]) == 25_000_00
        assert cents(m.totals["cost"][0]) == 115_000_00
        assert "Below the line: funded only if more money comes." in visible(html) or (
            "not funded" in visible(html)
        )
    principal = login_as(Role.PRINCIPAL)
    fragment = principal.get(
        "/manage/schools/maple-elementary/plan", headers=hx("investments")
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="investments"')
    m = assert_sums_add_up(fragment, "editor investments")
    assert cents(m.totals["cut"][0]) == 100_000_00
    # The editor's page and the public plan load with an investment below the line.
    assert principal.get("/manage/schools/maple-elementary/plan").status_code == 200
    lower = principal.get(
        "/manage/schools/maple-elementary/plan?change=-20", headers=hx("investments")
    ).get_data(as_text=True)
    m = assert_sums_add_up(lower, "editor investments, 20% less")
    assert cents(m.totals["cut"][0]) == 80_000_00


def test_the_budget_matrix_and_its_fragment_add_up(client, planned, clean_app):
    principal = clean_app.test_client()
    principal.post("/auth/sign-in", data={"email": PRINCIPAL, "password": PASSWORD})
    page = principal.get(f"/manage/schools/{SCHOOL}/budget?lang=es").get_data(as_text=True)
    m = assert_sums_add_up(page, "budget matrix")
    assert {"cost", "assigned", "streams", "received"} <= set(m.totals)
    # The editor: the cut line and the budget's own figures, each adding up.
    editor = principal.get(f"/manage/schools/{SCHOOL}/plan?lang=es").get_data(as_text=True)
    m_editor = assert_sums_add_up(editor, "plan editor")
    assert {"cut", "available"} <= set(m_editor.totals)
    assert cents(m_editor.totals["available"][0]) == cents(m.totals["received"][0])
    values = dict(re.findall(r'name="(cell-\d+-\d+)" [^>]*value="([^"]*)"', page))
    assert values
    first = next(iter(values))
    refused = principal.post(
        f"/manage/schools/{SCHOOL}/budget?lang=es",
        data={**values, first: "doce mil"},
        headers=hx("matrix"),
    )
    assert refused.status_code == 422
    fragment = refused.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="matrix"') and "<html" not in fragment
    assert f'href="#{first}"' in fragment  # the summary links to the cell
    assert 'value="doce mil"' in fragment  # what was typed comes back
    assert_sums_add_up(fragment, "budget matrix fragment")
    budget = budget_figures(client, SCHOOL, "es")
    assert cents(m.totals["cost"][0]) == sum(budget["goal_costs"])


def test_with_many_funding_streams_the_budget_gets_a_landscape_page(client, planned, tmp_path):
    """Five funds: the PDF budget takes a landscape page and every column still fits on it."""
    with planned.app_context():
        school = db.session.query(School).filter_by(slug=SCHOOL).one()
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        for n, name in enumerate(("Subvención para bibliotecas escolares", "Fondo de tutoría")):
            db.session.add(
                FundingStream(
                    district_id=school.district_id,
                    school_year_id=year.id,
                    name={"en": f"Grant {n}", "es": name},
                    kind="restricted",
                    restriction={"en": "Books"},
                    distribution="grant",
                    grant_cents=12_345_00,
                    eligible_schools=[school],
                    position=10 + n,
                )
            )
        db.session.commit()
        db.session.remove()
    budget = budget_figures(client, SCHOOL, "es")
    assert len(budget["m"].parts["money"]) == 4  # the formula and three grants
    response = client.get(f"/schools/{SCHOOL}/plan.pdf?lang=es")
    path = tmp_path / "wide.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "20", str(path)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert ("612", "792") in sizes and ("792", "612") in sizes  # portrait plan, landscape budget
    lines = _pdf_lines(response.data, tmp_path)  # nothing off the page
    with planned.test_request_context("/?lang=es"), force_locale("es"):
        headers, columns, totals, groups = _budget_table(
            lines,
            gettext("Total"),
            gettext("Goal %(n)s", n=0).replace("0", "").strip(),
            gettext("Investment"),
        )
    assert len(columns) == 2 + 5
    squeezed = [re.sub(r"\s+", "", h) for h in headers]
    assert any("Fondodetutoría" in h for h in squeezed)


# -- The whole-school budget: positions and the base program (issue 16) -------------------------

# (role code, name, group, salary dollars, benefits dollars)
ROLES = [
    ("1100", "Principal", "administrator", 140_000, 42_000),
    ("1200", "Teacher, grades K-5", "teacher", 88_000, 31_500),
    ("2100", "Instructional aide", "aide", 36_000, 14_250),
    ("3100", "Counselor", "counselor", 92_000, 30_500),
]
# (role code, FTE hundredths, goal index or None for the base program, stream key, recurrence)
POSITIONS = [
    ("1100", 100, None, "base", "ongoing"),
    ("1200", 450, None, "base", "ongoing"),
    ("1200", 50, 0, "title-i", "ongoing"),
    ("2100", 200, 0, "supplemental", "ongoing"),
    ("2100", 75, 1, None, "one_time"),  # no stream: not funded
    ("3100", 100, None, "base", "ongoing"),
]


def add_positions(app, slug=SCHOOL, costing="average"):
    """Real staff roles, the year's salary table and positions in `slug`'s plan (base program
    and goals), priced by services.positions and paid through its stream line; plus a one-time
    purchase in the base program."""
    from portal.models import District, SalaryRate, StaffRole
    from portal.services import positions

    with app.app_context():
        school = db.session.query(School).filter_by(slug=slug).one()
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        district = db.session.get(District, school.district_id)
        district.position_costing = costing
        plan = db.session.query(SchoolPlan).filter_by(school_id=school.id).one()
        streams = {
            key: db.session.query(FundingStream).filter_by(school_year_id=year.id, position=n).one()
            for n, key in enumerate(("base", "supplemental", "title-i"))
        }
        roles = {}
        for n, (code, name, group, salary, benefits) in enumerate(ROLES):
            roles[code] = StaffRole(
                district_id=district.id, code=code, name={"en": name}, group=group, position=n
            )
            db.session.add(roles[code])
            db.session.flush()
            db.session.add(
                SalaryRate(
                    staff_role_id=roles[code].id,
                    school_year_id=year.id,
                    salary_cents=salary * 100,
                    benefits_cents=benefits * 100,
                )
            )
        db.session.flush()
        rates = positions.salary_table(year.id)
        goals = sorted(plan.goals, key=lambda g: g.position)
        priority = len(plan.investments)
        for code, fte, goal_index, stream, recurrence in POSITIONS:
            priority += 1
            cost = positions.average_cost(rates, roles[code].id, fte)
            if costing == "actual":
                cost += 1_234_56  # what the person actually costs, not the average
            investment = Investment(
                goal_id=None if goal_index is None else goals[goal_index].id,
                staff_role_id=roles[code].id,
                fte=fte,
                cost_cents=cost,
                priority=priority,
                recurrence=recurrence,
                funding_stream_id=streams[stream].id if stream else None,
                description={},
                source_locale="en",
            )
            plan.investments.append(investment)
            db.session.flush()
            positions.sync_stream_line(investment)
        laptops = Investment(
            goal_id=None,
            description={"en": "Laptops for the office"},
            cost_cents=6_500_00,
            priority=priority + 1,
            recurrence="one_time",
            funding_stream_id=streams["base"].id,
            source_locale="en",
        )
        plan.investments.append(laptops)
        db.session.flush()
        positions.sync_stream_line(laptops)
        db.session.commit()
        db.session.remove()


@pytest.fixture
def staffed(planned):
    add_positions(planned)
    return planned


def whole_figures(html: str, where: str) -> dict:
    """The whole allocation as one page prints it, checked: every printed sum adds up, the
    base program is a row of the goal table, available = base + goals' funded + unassigned,
    people + everything else = funded, in cents."""
    m = assert_sums_add_up(html, where)
    assert 'data-group="base"' in html, f"{where}: no base program row"
    funded = cents(m.totals["funded"][0])
    assert sum(cents(p) for p in m.parts["funded"]) == funded
    assert cents(m.totals["people"][0]) + cents(m.totals["other"][0]) == funded, where
    for people, other, row_funded in zip(
        m.parts["people"], m.parts["other"], m.parts["funded"], strict=True
    ):
        assert cents(people) + cents(other) == cents(row_funded), where
    available = cents(m.totals["allocation"][0])
    groups_funded = sum(cents(p) for p in m.parts["funded"])
    unassigned = available - groups_funded
    assert [cents(p) for p in m.parts["allocation"]] == [funded, unassigned], where
    return {
        "m": m,
        "available": available,
        "funded": funded,
        "people": cents(m.totals["people"][0]),
        "other": cents(m.totals["other"][0]),
        "groups": [cents(p) for p in m.parts["funded"]],
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_whole_allocation_reconciles_on_every_page(client, staffed, lang):
    budget_html = client.get(f"/schools/{SCHOOL}/budget?lang={lang}").get_data(as_text=True)
    budget = whole_figures(budget_html, f"budget {lang}")
    m = budget["m"]
    # The money the school has is the allocation the page reconciles.
    assert budget["available"] == cents(m.totals["money"][0])
    # The picture: people + everything else + not assigned yet = the whole allocation.
    assert [cents(p) for p in m.parts["picture"]] == [
        budget["people"],
        budget["other"],
        budget["available"] - budget["funded"],
    ]
    assert cents(m.totals["picture"][0]) == budget["available"]
    assert cents(m.totals["people-groups"][0]) == budget["people"]
    # In words: the base program and each goal, then what is not assigned, = the allocation.
    words = [cents(p) for p in m.parts["words"]]
    assert words == budget["groups"] + [budget["available"] - budget["funded"]]
    assert cents(m.totals["words"][0]) == budget["available"]
    assert cents(m.totals["recurs"][0]) == budget["funded"]
    one_time = cents(m.parts["recurs"][1])
    assert one_time == 6_500_00 + 0  # the laptops (the one-time aide is not funded)
    if lang == "en":
        assert "Base program" in visible(budget_html)
    plan_html = client.get(f"/schools/{SCHOOL}/plan?lang={lang}").get_data(as_text=True)
    plan = whole_figures(plan_html, f"plan {lang}")
    assert plan["groups"] == budget["groups"] and plan["available"] == budget["available"]
    # The plan's base program lists its investments, adding up to its cost.
    assert "base" in marked(plan_html).totals
    people_html = client.get(f"/schools/{SCHOOL}/budget/people?lang={lang}").get_data(as_text=True)
    p = assert_sums_add_up(people_html, f"people {lang}")
    assert cents(p.totals["people-funded"][0]) == budget["people"]
    # The one-time aide is not funded: counted in what positions cost, not in what is paid.
    assert cents(p.totals["people-cost"][0]) > budget["people"]
    compare = client.get(
        f"/schools/compare?schools={SCHOOL},oak-grove-elementary&lang={lang}"
    ).get_data(as_text=True)
    tables = re.findall(r"<table class=\"[^\"]*goal-money.*?</table>", compare, flags=re.S)
    chavez = whole_figures(tables[0], f"compare {lang}")
    assert chavez["groups"] == budget["groups"] and chavez["available"] == budget["available"]
