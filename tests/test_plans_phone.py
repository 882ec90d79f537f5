"""Plans, budgets and allocation on a phone, without a browser: the plan editor grouped so a
principal finds their place, focus and an announcement after every change (htmx and plain
POST), the editor and public pages with an investment below the cut line, and every staff form
in plans and allocation: a rejected form keeps every typed value, has a summary at the top that
links to each field in error, and the message beside the field."""

import re
from html.parser import HTMLParser

import pytest

from portal.models import (
    AllocationScenario,
    DistrictGoal,
    FundingStream,
    Goal,
    InvestmentCategory,
    Role,
    School,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from tests.conftest import hx, visible_text

SLUG = "maple-elementary"


class Controls(HTMLParser):
    """Every element by id, with the values a form control shows: an input's value (checked
    for a box), a textarea's text, a select's chosen option; plus links and error summaries."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.hrefs: list[str] = []
        self.summaries: list[list[str]] = []
        self._select = None
        self._textarea = None
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.by_id[a["id"]] = {"tag": tag, **a}
        if tag == "select":
            self._select = a.get("id")
            if self._select:
                self.by_id[self._select]["value"] = None
        if tag == "option" and self._select and "selected" in a:
            self.by_id[self._select]["value"] = a.get("value", "")
        if tag == "option" and self._select and self.by_id[self._select].get("first") is None:
            self.by_id[self._select]["first"] = a.get("value", "")
        if tag == "textarea":
            self._textarea = a.get("id")
            if self._textarea:
                self.by_id[self._textarea]["value"] = ""
        if tag == "div" and "error-summary" in (a.get("class") or ""):
            self.summaries.append([])
            self._in_summary = 1
        elif tag == "div" and self._in_summary:
            self._in_summary += 1
        if tag == "a" and self._in_summary and a.get("href", "").startswith("#"):
            self.summaries[-1].append(a["href"][1:])

    def handle_endtag(self, tag):
        if tag == "select":
            sel = self._select and self.by_id[self._select]
            if sel and sel["value"] is None:
                sel["value"] = sel.get("first", "")
            self._select = None
        if tag == "textarea" and self._textarea:
            # A newline right after <textarea> is not part of its text (HTML's parsing rules).
            element = self.by_id[self._textarea]
            text = element["value"]
            element["value"] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
        if tag == "textarea":
            self._textarea = None
        if tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data):
        if self._textarea:
            self.by_id[self._textarea]["value"] += data


def controls(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


def shown_value(c: Controls, field_id: str):
    element = c.by_id[field_id]
    if element["tag"] == "input" and element.get("type") == "checkbox":
        return "checked" in element
    return element.get("value", "")


def assert_kept_and_summarised(response, typed: dict, in_error: list[str]):
    """The form came back (422) with every typed value in its field (by id), a summary at the top
    that links to each field in error, and each of those fields described by its message."""
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    c = controls(html)
    for field_id, value in typed.items():
        assert field_id in c.by_id, f"no field #{field_id}"
        assert shown_value(c, field_id) == value, (field_id, shown_value(c, field_id), value)
    assert len(c.summaries) == 1, "one error summary"
    links = c.summaries[0]
    for field_id in in_error:
        assert field_id in links, f"the summary does not link to #{field_id}: {links}"
        element = c.by_id[field_id]
        described = (element.get("aria-describedby") or "").split()
        assert element.get("aria-invalid") == "true" or field_id.endswith(("_en",)), field_id
        errors = [d for d in described if c.by_id.get(d, {}).get("class") == "error"]
        fieldset_error = f"{field_id.rsplit('_', 1)[0]}-error" in c.by_id
        assert errors or fieldset_error, f"no message beside #{field_id}"
    # Every summary link leads to an element of the page.
    for target in links:
        assert target in c.by_id, f"summary link to missing #{target}"
    # The summary comes before the form it is about.
    assert html.index("error-summary") < html.index(f'id="{in_error[0]}"')
    return c


def _ids(ctx):
    with ctx() as session:
        school = session.query(School).filter_by(slug=SLUG).one()
        year = session.query(SchoolYear).filter_by(is_current=True).one()
        return school.id, year.id, school.district_id


@pytest.fixture
def planned(funded, ctx):
    """Maple's shared plan: two goals (one strategy with an action), a district goal, a
    category, and investments of which the last falls below the cut line."""
    school_id, year_id, district_id = _ids(ctx)
    with ctx() as session:
        session.add(
            DistrictGoal(district_id=district_id, school_year_id=year_id, title={"en": "Read"})
        )
        session.add(InvestmentCategory(district_id=district_id, code="1000", name={"en": "Staff"}))
        plan = SchoolPlan(school_id=school_id, school_year_id=year_id, source_locale="en")
        plan.share()
        goal = Goal(statement={"en": "Read more"}, indicator={"en": "Share reading"}, position=0)
        goal.strategies.append(Strategy(description={"en": "Small groups"}))
        plan.goals.append(goal)
        plan.goals.append(Goal(statement={"en": "Meet more"}, indicator={"en": "x"}, position=1))
        session.add(plan)
        session.commit()
        from portal.models import Investment

        for priority, cents in ((1, 60_000_00), (2, 40_000_00), (3, 900_000_000_00)):
            plan.investments.append(
                Investment(
                    goal_id=goal.id,
                    description={"en": f"Item {priority}"},
                    cost_cents=cents,
                    priority=priority,
                )
            )
        session.commit()
        ids = {
            "plan": plan.id,
            "goal": goal.id,
            "strategy": goal.strategies[0].id,
            "investments": [i.id for i in sorted(plan.investments, key=lambda i: i.priority)],
            "district_goal": session.query(DistrictGoal).one().id,
            "category": session.query(InvestmentCategory).one().id,
        }
    return ids


def test_below_the_cut_line_the_editor_and_the_public_pages_load(planned, login_as, client):
    principal = login_as(Role.PRINCIPAL)
    page = principal.get(f"/manage/schools/{SLUG}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Below this line: not funded unless more money comes" in html
    assert "below the line" in visible_text(html)
    for change in (-20, 0, 20):
        assert principal.get(f"/manage/schools/{SLUG}/plan?change={change}").status_code == 200
        fragment = principal.get(
            f"/manage/schools/{SLUG}/plan?change={change}", headers=hx("investments")
        )
        assert fragment.status_code == 200
    for path in ("plan", "budget", "plan.pdf"):
        assert client.get(f"/schools/{SLUG}/{path}").status_code == 200
    assert principal.get(f"/manage/schools/{SLUG}/budget").status_code == 200
    assert client.get(f"/schools/compare?schools={SLUG},cedar-middle").status_code == 200


def test_the_editor_is_grouped_so_a_principal_finds_their_place(planned, login_as):
    html = login_as(Role.PRINCIPAL).get(f"/manage/schools/{SLUG}/plan").get_data(as_text=True)
    c = controls(html)
    # A table of contents that reaches every section and every goal.
    toc = html[html.index('id="plan-toc"') : html.index("</nav>", html.index('id="plan-toc"'))]
    for anchor in ("#settings", "#needs", "#goals", "#investments", f"#goal-{planned['goal']}"):
        assert f'href="{anchor}"' in toc
        assert anchor[1:] in c.by_id
    # Each section, goal, strategy and investment is a disclosure, closed until opened; each
    # add form sits behind its own.
    assert c.by_id["settings"]["tag"] == "details" and "open" not in c.by_id["settings"]
    assert c.by_id[f"goal-{planned['goal']}"]["tag"] == "details"
    assert c.by_id[f"strategy-{planned['strategy']}"]["tag"] == "details"
    for add in ("add-goal", "add-investment", f"add-strategy-{planned['goal']}"):
        assert c.by_id[add]["tag"] == "details" and "open" not in c.by_id[add]
    for inv in planned["investments"]:
        assert c.by_id[f"investment-{inv}"]["tag"] == "details"
    # Nothing is open, so the page is short: no form is shown before a principal asks for it.
    assert not [i for i, e in c.by_id.items() if e["tag"] == "details" and "open" in e]
    # The live region is there before any change.
    assert c.by_id["plan-announce"].get("aria-live") == "polite"


def _goal(**extra):
    return {
        "statement": "Every child reads every day.",
        "indicator": "Minutes read",
        "baseline": "20",
        "target": "30",
        "target_date": "2027-06-15",
        **extra,
    }


def test_after_add_without_javascript_the_new_goal_is_open_focused_and_announced(
    planned, login_as, ctx
):
    principal = login_as(Role.PRINCIPAL)
    response = principal.post(f"/manage/schools/{SLUG}/plan/goal/add", data=_goal())
    assert response.status_code == 303
    with ctx() as session:
        goal_id = max(g.id for g in session.query(Goal))
    location = response.headers["Location"]
    assert location.endswith(f"focus=goal-{goal_id}")  # no #fragment: it would stop autofocus
    page = principal.get(location)
    html = page.get_data(as_text=True)
    c = controls(html)
    assert "open" in c.by_id[f"goal-{goal_id}"]
    assert "autofocus" in c.by_id[f"goal-{goal_id}-summary"]
    assert [i for i, e in c.by_id.items() if "autofocus" in e] == [f"goal-{goal_id}-summary"]
    assert "Goal added." in visible_text(html)  # the flash, in a role=status region
    assert 'class="flashes" role="status"' in html


@pytest.mark.parametrize(
    "kind, data, section",
    [
        ("strategy", lambda p: {"parent_id": p["goal"], "description": "Tutors"}, "goals"),
        (
            "action",
            lambda p: {"parent_id": p["strategy"], "description": "Hire", "status": "done"},
            "goals",
        ),
        (
            "investment",
            lambda p: {
                "description": "Books",
                "cost": "1,000",
                "priority": "2",
                "recurrence": "ongoing",
                "goal_id": p["goal"],
            },
            "investments",
        ),
    ],
)
def test_after_add_with_htmx_the_new_row_takes_the_focus_and_is_announced(
    planned, login_as, kind, data, section
):
    principal = login_as(Role.PRINCIPAL)
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/{kind}/add", data=data(planned), headers=hx(section)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<section id="{section}"')
    c = controls(html)
    [focused] = [i for i, e in c.by_id.items() if "autofocus" in e]
    assert focused.startswith(f"{kind}-") and focused.endswith("-summary")
    row = focused.removesuffix("-summary")
    assert "open" in c.by_id[row]
    # Its parents are open too, so the focused row can be seen.
    if kind in ("strategy", "action"):
        assert "open" in c.by_id[f"goal-{planned['goal']}"]
    # The live region and the table of contents come out of band.
    announce = c.by_id["plan-announce"]
    assert announce.get("hx-swap-oob") == "true" and announce.get("aria-live") == "polite"
    assert f"{kind.capitalize()} added." in html[html.index('id="plan-announce"') :]
    assert c.by_id["plan-toc"].get("hx-swap-oob") == "true"


def test_save_and_move_keep_the_focus_on_the_row(planned, login_as):
    principal = login_as(Role.PRINCIPAL)
    first = planned["investments"][1]
    moved = principal.post(
        f"/manage/schools/{SLUG}/plan/investment/{first}/move",
        data={"direction": "up"},
        headers=hx("investments"),
    )
    c = controls(moved.get_data(as_text=True))
    assert "autofocus" in c.by_id[f"investment-{first}-up"]  # press again to move again
    assert "open" in c.by_id[f"investment-{first}"]
    plain = principal.post(
        f"/manage/schools/{SLUG}/plan/investment/{first}/move", data={"direction": "down"}
    )
    assert plain.headers["Location"].endswith(f"focus=investment-{first}-down")
    removed = principal.post(
        f"/manage/schools/{SLUG}/plan/investment/{first}/delete", headers=hx("investments")
    )
    c = controls(removed.get_data(as_text=True))
    assert "autofocus" in c.by_id["investments-h"]


# -- Every staff form: a rejected form keeps every typed value --------------------------------


def test_a_rejected_goal_keeps_every_value_and_links_to_each_field(planned, login_as):
    principal = login_as(Role.PRINCIPAL)
    typed = _goal(
        statement="",
        baseline="lots",
        target="80",
        target_date="2027-13-40",
        district_goal_id=str(planned["district_goal"]),
    )
    for headers in ({}, hx("goals")):
        response = principal.post(
            f"/manage/schools/{SLUG}/plan/goal/add", data=typed, headers=headers
        )
        c = assert_kept_and_summarised(
            response,
            {
                "goal-new-statement": "",
                "goal-new-indicator": "Minutes read",
                "goal-new-baseline": "lots",
                "goal-new-target": "80",
                "goal-new-target_date": "2027-13-40",
                "goal-new-district_goal_id": str(planned["district_goal"]),
            },
            ["goal-new-statement", "goal-new-baseline", "goal-new-target_date"],
        )
        assert "open" in c.by_id["add-goal"]
    # Editing an existing goal: the typed values, not the stored ones.
    goal = planned["goal"]
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/goal/{goal}",
        data=_goal(statement="Changed", indicator="", district_goal_id=""),
    )
    assert_kept_and_summarised(
        response,
        {f"goal-{goal}-statement": "Changed", f"goal-{goal}-indicator": ""},
        [f"goal-{goal}-indicator"],
    )


def test_rejected_strategy_action_and_progress_keep_what_was_typed(planned, login_as):
    principal = login_as(Role.PRINCIPAL)
    goal, strategy = planned["goal"], planned["strategy"]
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/action/add",
        data={
            "parent_id": strategy,
            "description": "",
            "owner": "Ms. Lee",
            "due_on": "soon",
            "status": "in_progress",
        },
    )
    c = assert_kept_and_summarised(
        response,
        {
            f"action-new-{strategy}-owner": "Ms. Lee",
            f"action-new-{strategy}-due_on": "soon",
            f"action-new-{strategy}-status": "in_progress",
        },
        [f"action-new-{strategy}-description", f"action-new-{strategy}-due_on"],
    )
    assert "open" in c.by_id[f"add-action-{strategy}"] and "open" in c.by_id[f"goal-{goal}"]
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/strategy/add", data={"parent_id": goal, "description": " "}
    )
    assert_kept_and_summarised(response, {}, [f"strategy-new-{goal}-description"])
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/goal/{goal}/progress", data={"value": "about half"}
    )
    assert_kept_and_summarised(
        response, {f"progress-{goal}-value": "about half"}, [f"progress-{goal}-value"]
    )


def test_a_rejected_investment_keeps_every_field_including_the_lists(planned, login_as):
    principal = login_as(Role.PRINCIPAL)
    with_goal = {
        "description": "Tutoring",
        "cost": "12.345",
        "priority": "0",
        "goal_id": str(planned["goal"]),
        "strategy_id": str(planned["strategy"]),
        "category_id": str(planned["category"]),
    }
    for headers in ({}, hx("investments")):
        response = principal.post(
            f"/manage/schools/{SLUG}/plan/investment/add", data=with_goal, headers=headers
        )
        assert_kept_and_summarised(
            response,
            {
                "inv-new-description": "Tutoring",
                "inv-new-cost": "12.345",
                "inv-new-priority": "0",
                "inv-new-goal_id": str(planned["goal"]),
                "inv-new-strategy_id": str(planned["strategy"]),
                "inv-new-category_id": str(planned["category"]),
            },
            ["inv-new-cost", "inv-new-priority"],
        )
    row = planned["investments"][0]
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/investment/{row}",
        data={**with_goal, "cost": "", "priority": "5"},
    )
    c = assert_kept_and_summarised(
        response, {f"inv-{row}-priority": "5", f"inv-{row}-cost": ""}, [f"inv-{row}-cost"]
    )
    assert "open" in c.by_id[f"investment-{row}"]


def test_rejected_plan_settings_keep_what_was_typed(planned, login_as):
    principal = login_as(Role.PRINCIPAL)
    # "Approved" is not on offer (only the site council's vote approves a plan): refused too.
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/settings",
        data={"status": "approved", "planning_figure": "two million"},
    )
    c = assert_kept_and_summarised(
        response,
        {"settings-planning_figure": "two million"},
        ["settings-status", "settings-planning_figure"],
    )
    assert "open" in c.by_id["settings"]
    assert "settings-approved_on" not in c.by_id
    options = re.findall(r'<option[^>]*value="(\w+)"', response.get_data(as_text=True))
    assert "approved" not in options and {"draft", "shared"} <= set(options)
    # The hint says what the validator takes, and it takes what the hint says.
    assert "Dollars, such as 2,500,000 or 2500000.50." in response.get_data(as_text=True)
    for amount in ("2,500,000", "2500000.50", "$2,500,000"):
        ok = principal.post(
            f"/manage/schools/{SLUG}/plan/settings",
            data={"status": "shared", "planning_figure": amount},
        )
        assert ok.status_code == 303, amount


def test_a_rejected_budget_matrix_keeps_every_cell(planned, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    with ctx() as session:
        streams = [s.id for s in session.query(FundingStream).order_by(FundingStream.position)]
    first, second = planned["investments"][:2]
    data = {f"cell-{first}-{streams[0]}": "60,000", f"cell-{second}-{streams[0]}": "forty"}
    response = principal.post(f"/manage/schools/{SLUG}/budget", data=data)
    assert_kept_and_summarised(
        response,
        {
            f"cell-{first}-{streams[0]}": "60,000",
            f"cell-{second}-{streams[0]}": "forty",
            f"cell-{first}-{streams[1]}": "",
        },
        [f"cell-{second}-{streams[0]}"],
    )


def test_rejected_district_planning_forms_keep_what_was_typed(funded, login_as):
    staff = login_as(Role.DISTRICT)
    response = staff.post(
        "/manage/planning/category",
        data={"code": "no spaces!", "name_en": "", "name_es": "Personal"},
    )
    assert_kept_and_summarised(
        response, {"code": "no spaces!", "name_es": "Personal"}, ["code", "name_en"]
    )
    assert "Up to 20 letters, digits, - or _, such as 1000." in response.get_data(as_text=True)
    response = staff.post(
        "/manage/planning/term",
        data={"term_en": "ELAC", "definition_es": "Padres", "definition_en": ""},
    )
    assert_kept_and_summarised(
        response, {"term_en": "ELAC", "definition_es": "Padres"}, ["definition_en"]
    )
    response = staff.post("/manage/planning/goal", data={"title_es": "Leer"})
    assert_kept_and_summarised(response, {"title_es": "Leer"}, ["title_en"])


def test_rejected_allocation_forms_keep_what_was_typed(funded, login_as, ctx):
    staff = login_as(Role.DISTRICT)
    with ctx() as session:
        schools = [s.id for s in session.query(School).order_by(School.id)]
        session.add(InvestmentCategory(district_id=funded["id"], code="2000", name={"en": "Books"}))
        session.commit()
        category = session.query(InvestmentCategory).one().id
    response = staff.post(
        "/manage/allocation/streams",
        data={
            "name_en": "",
            "name_es": "Tutoría",
            "kind": "restricted",
            "restriction_en": "",
            "revenue": "a lot",
            "distribution": "grant",
            "grant": "5,000",
            "eligible": [str(schools[1])],
            "allowed_category": [str(category)],
        },
    )
    assert_kept_and_summarised(
        response,
        {
            "name_es": "Tutoría",
            "kind": "restricted",
            "revenue": "a lot",
            "distribution": "grant",
            "grant": "5,000",
        },
        ["name_en", "restriction_en", "revenue"],
    )
    html = response.get_data(as_text=True)
    assert re.search(rf'name="eligible" value="{schools[1]}" checked', html)
    assert not re.search(rf'name="eligible" value="{schools[0]}" checked', html)
    assert re.search(rf'name="allowed_category" value="{category}" checked', html)
    response = staff.post(
        "/manage/allocation/groups", data={"key": "Foster Youth", "group_name_es": "Jóvenes"}
    )
    assert_kept_and_summarised(
        response, {"key": "Foster Youth", "group_name_es": "Jóvenes"}, ["key", "group_name_en"]
    )
    with ctx() as session:
        scenario = session.query(AllocationScenario).filter_by(status="adopted").one().id
    response = staff.post(
        f"/manage/allocation/scenarios/{scenario}",
        data={
            "name": "",
            "w-elementary-all": "3,741",
            "w-elementary-poverty": "lots",
            "central_share": "120",
            "minimum": "250,000",
            "hold_harmless": "y",
        },
    )
    assert_kept_and_summarised(
        response,
        {
            "name": "",
            "w-elementary-all": "3,741",
            "w-elementary-poverty": "lots",
            "w-middle-all": "",
            "central_share": "120",
            "minimum": "250,000",
            "hold_harmless": True,
        },
        ["name", "w-elementary-poverty", "central_share"],
    )
    # The central share takes "10%" as its hint suggests a percentage.
    ok = staff.post(
        f"/manage/allocation/scenarios/{scenario}",
        data={"name": "Table 2.2", "central_share": "10%", "minimum": "0"},
    )
    assert ok.status_code == 303


def test_a_published_scenario_whose_floors_no_longer_fit_never_breaks_a_page(
    funded, login_as, ctx, client
):
    """Revenue cut after publishing, so the minimum budgets cost more than there is: the public
    pages say nothing is published (no 500) and the scenario's page says why."""
    with ctx() as session:
        scenario = session.query(AllocationScenario).filter_by(status="adopted").one()
        scenario.minimum_cents = 10**12
        scenario_id = scenario.id
        session.commit()
    for path in (f"/schools/{SLUG}/budget", "/allocation", f"/schools/{SLUG}/plan"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "has not published" in visible_text(client.get("/allocation").get_data(as_text=True))
    assert client.get(f"/schools/{SLUG}/budget/calculator.xlsx").status_code == 404
    staff = login_as(Role.DISTRICT)
    page = staff.get(f"/manage/allocation/scenarios/{scenario_id}")
    assert page.status_code == 200
    assert "cost more than the money available" in visible_text(page.get_data(as_text=True))
    assert staff.get("/manage/allocation").status_code == 200
