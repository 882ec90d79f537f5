"""A reading-level hint for English text as principals write (public text aims at a
middle-school level, grade 8 or below)."""

from dataclasses import dataclass

TARGET_GRADE = 8
MIN_WORDS = 8  # shorter text gives no reliable grade


@dataclass(frozen=True)
class ReadingHint:
    grade: float
    plain_enough: bool


def reading_hint(text: str) -> ReadingHint | None:
    """The Flesch-Kincaid grade of English `text`, or None when it is too short to tell."""
    import textstat  # imported lazily: only the manage screens use it

    text = (text or "").strip()
    if len(text.split()) < MIN_WORDS:
        return None
    grade = round(float(textstat.flesch_kincaid_grade(text)), 1)
    return ReadingHint(grade, grade <= TARGET_GRADE)
