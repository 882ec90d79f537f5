"""Paper answers stay anonymous (issue 14, item 11), and every export is audited (item 12).

Paper sheets are typed one after another and each typed code is recorded (PaperSheetUse), so
ids that follow the typing order, or an export in that order, would pair a sheet with its
answers. Ids are random; the export has no id and a random order; each export is logged."""

import csv
import io
import itertools

from sqlalchemy import select, text

from portal.extensions import db
from portal.models import AuditEntry, Role, Survey, SurveyAnswer
from portal.models import surveys as survey_models
from portal.services import survey_codes
from tests.survey_helpers import answer_form

SHEETS = 30


def _comment_item(app, survey_id) -> int:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        return next(i for i in survey.items if i.kind == "comment").id


def _type_sheets(app, survey_id, staff) -> list[str]:
    """Type SHEETS paper sheets in, one after another, each with its own comment."""
    comment = _comment_item(app, survey_id)
    typed = [f"sheet {n:02d}" for n in range(1, SHEETS + 1)]
    for n, words in enumerate(typed, start=1):
        form = answer_form(app, survey_id, language="en")
        form[f"item-{comment}"] = words
        form.update(
            sheet_code=survey_codes.sheet_code(app.secret_key, survey_id, n), channel="paper"
        )
        assert staff.post(f"/manage/surveys/{survey_id}/paper", data=form).status_code == 303
    return typed


def _ids_in_typing_order(app, typed) -> tuple[list[int], list[int]]:
    """(response ids, answer ids of the comments) in the order the sheets were typed."""
    with app.app_context():
        rows = db.session.execute(
            select(SurveyAnswer.comment, SurveyAnswer.response_id, SurveyAnswer.id).where(
                SurveyAnswer.comment.is_not(None)
            )
        ).all()
    by_comment = {c: (r, a) for c, r, a in rows}
    return [by_comment[t][0] for t in typed], [by_comment[t][1] for t in typed]


def follows_typing_order(ids: list[int]) -> bool:
    """Whether ids give away the typing order: increasing, or small enough to be a count."""
    return ids == sorted(ids) or max(ids) < 2**32


def test_ids_do_not_follow_the_order_sheets_were_typed(clean_app, survey_id, login_as):
    typed = _type_sheets(clean_app, survey_id, login_as(Role.DISTRICT))
    responses, answers = _ids_in_typing_order(clean_app, typed)
    assert not follows_typing_order(responses) and not follows_typing_order(answers)
    # 30 random ids in increasing order by chance: 1 in 30!.
    assert len(set(responses)) == SHEETS and all(0 < i < 2**62 for i in responses)


def test_sequential_ids_would_be_caught(clean_app, survey_id, login_as, monkeypatch):
    """Without the random ids (a counter instead), the check above fails."""
    counter = itertools.count(1)

    class Sequential:
        @staticmethod
        def randbelow(_n):
            return next(counter)

    monkeypatch.setattr(survey_models, "secrets", Sequential)
    typed = _type_sheets(clean_app, survey_id, login_as(Role.DISTRICT))
    responses, answers = _ids_in_typing_order(clean_app, typed)
    assert follows_typing_order(responses) and follows_typing_order(answers)


def test_the_export_has_no_id_and_not_the_typing_order(clean_app, survey_id, login_as):
    staff = login_as(Role.DISTRICT)
    typed = _type_sheets(clean_app, survey_id, staff)
    orders = set()
    for _ in range(2):
        body = staff.get(f"/manage/surveys/{survey_id}/export.csv").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(body)))
        assert not any("id" in column.split("_") or column == "id" for column in rows[0])
        exported = [row[-1] for row in rows[1:]]  # the comment, the survey's last question
        assert sorted(exported) == typed
        orders.add(tuple(exported))
    assert tuple(typed) not in orders and len(orders) == 2


def test_every_export_is_in_the_audit_log_without_answers(clean_app, survey_id, login_as, ctx):
    staff = login_as(Role.DISTRICT)
    typed = _type_sheets(clean_app, survey_id, staff)
    assert staff.get(f"/manage/surveys/{survey_id}/export.csv").status_code == 200
    assert staff.get(f"/manage/surveys/{survey_id}/export.csv").status_code == 200
    with ctx() as session:
        entries = session.query(AuditEntry).filter_by(action="survey.exported").all()
        assert len(entries) == 2
        for entry in entries:
            assert entry.user_id is not None  # who
            assert (entry.object_type, entry.object_id) == ("survey", survey_id)
            assert entry.detail == {"format": "csv", "rows": SHEETS}  # never an answer
            assert not any(words in str(entry.detail) for words in typed)
    # Someone refused the export (a principal) exports nothing and logs no export.
    refused = login_as(Role.PRINCIPAL).get(f"/manage/surveys/{survey_id}/export.csv")
    assert refused.status_code in (403, 404)
    with ctx() as session:
        assert session.query(AuditEntry).filter_by(action="survey.exported").count() == 2


def test_the_migration_gives_existing_rows_random_ids_and_keeps_them_paired(tmp_path):
    """Responses stored before 0023 had sequential ids: the upgrade replaces them with random
    ones (answers still with their response), and a downgrade numbers them again."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ids.sqlite3'}",
            "TESTING": True,
            "SECRET_KEY": "test-secret",
        }
    )

    def pairs():
        rows = db.session.execute(
            text(
                "SELECT r.id, r.language, a.comment FROM survey_response r "
                "JOIN survey_answer a ON a.response_id = r.id ORDER BY a.comment"
            )
        ).all()
        return [(language, comment) for _, language, comment in rows], [r[0] for r in rows]

    with app.app_context():
        upgrade(revision="0022")  # the schema as responses were stored before 0023
        for table, values in (
            ("district", {"id": 1}),
            ("survey", {"id": 1, "district_id": 1, "closes_at": "2026-02-01 00:00:00"}),
            ("survey_item", {"id": 1, "survey_id": 1, "kind": "comment"}),
        ):
            _insert_row(table, values)
        for n in range(1, 6):
            _insert_row(
                "survey_response",
                {"id": n, "survey_id": 1, "language": f"l{n}", "school_id": None},
            )
            _insert_row(
                "survey_answer",
                {"id": n, "response_id": n, "item_id": 1, "comment": f"sheet {n}", "score": None},
            )
        db.session.commit()
        before, ids = pairs()
        assert len(before) == 5 and ids == [1, 2, 3, 4, 5]
        upgrade(revision="0023")
        after, ids = pairs()
        assert after == before and not follows_typing_order(ids)
        answer_ids = [r[0] for r in db.session.execute(text("SELECT id FROM survey_answer"))]
        assert min(answer_ids) > 5
        downgrade(revision="0022")
        again, ids = pairs()
        assert again == before and sorted(ids) == [1, 2, 3, 4, 5]
        db.session.remove()
        db.engine.dispose()


def _insert_row(table: str, values: dict) -> None:
    """A row with `values` and a plain value in every other required column (the schema of an
    older revision, read from the database, not the models)."""
    from sqlalchemy import inspect

    plain = {"INT": 1, "BOOL": 0, "DATE": "2026-01-02", "TIME": "2026-01-02 00:00:00"}
    row = dict(values)
    for column in inspect(db.engine).get_columns(table):
        if column["name"] in row or column["nullable"] or column.get("default") is not None:
            continue
        kind = str(column["type"]).upper()
        row[column["name"]] = next((v for k, v in plain.items() if k in kind), "{}")
    names = ", ".join(row)
    db.session.execute(
        text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"),  # noqa: S608
        row,
    )
