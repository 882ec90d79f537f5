"""Staff exports of survey responses, each one written to the audit log.

The log says who exported which survey, in what format and how many rows: never an answer.
The rows themselves come from survey_editing.export_table (no id column, rows shuffled)."""

from portal.services import survey_editing
from portal.services.audit import record_audit

EXPORTED = "survey.exported"  # a reading, not a change (portal.access.READ_ACTIONS)


def export_responses(survey, actor, file_format: str = "csv") -> tuple[list[str], list[list]]:
    """Every response of `survey` as (header, rows) for `actor`, recorded in the audit log."""
    header, rows = survey_editing.export_table(survey)
    record_audit(
        actor,
        EXPORTED,
        "survey",
        survey.id,
        {"format": file_format, "rows": len(rows)},
        district_id=survey.district_id,
    )
    return header, rows
