"""Committee rules as plain functions: composition, quorum, and a motion's outcome."""

import re
from collections import Counter
from dataclasses import dataclass

STAFF_SEATS = {"teacher", "staff", "principal"}
COMMUNITY_SEATS = {"parent", "community"}


def composition_problems(kind: str, seats: list[tuple[str, bool]], el_share: float) -> list[str]:
    """What a roster lacks under the district's rules, as codes the page explains.

    `seats` are (seat, parent_of_english_learner) for current members. A site council has as
    many staff as parents and community members, with teachers a majority of the staff (not
    counting students); an ELAC has parents of English learners at least in proportion to
    their share of the school's students.
    """
    counts = Counter(seat for seat, _ in seats)
    problems = []
    if kind == "ssc":
        staff = sum(counts[s] for s in STAFF_SEATS)
        community = sum(counts[s] for s in COMMUNITY_SEATS)
        if staff != community:
            problems.append("ssc_balance")
        if counts["teacher"] * 2 <= staff:
            problems.append("ssc_teachers")
        if counts["principal"] == 0:
            problems.append("ssc_principal")
    elif kind == "elac":
        members = len(seats)
        el_parents = sum(1 for seat, el in seats if seat == "parent" and el)
        if members and el_parents / members < el_share:
            problems.append("elac_parents")
    return problems


def has_quorum(present: int, seated: int, percent: int) -> bool:
    """More than `percent` % of the seated members are present."""
    return seated > 0 and present * 100 > seated * percent


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str  # passed | no_quorum | not_majority
    yes: int
    no: int
    abstain: int

    @property
    def tally(self) -> str:
        return f"{self.yes}–{self.no}–{self.abstain}"


def decide(choices: list[str], present: int, seated: int, quorum_percent: int) -> Outcome:
    """A motion passes with a quorum present and more yes than no votes (abstentions count for
    the quorum, not for the majority)."""
    counts = Counter(choices)
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    if not has_quorum(present, seated, quorum_percent):
        return Outcome(False, "no_quorum", yes, no, abstain)
    if yes <= no:
        return Outcome(False, "not_majority", yes, no, abstain)
    return Outcome(True, "passed", yes, no, abstain)


# Words that, counted, tell English from Spanish in a short reply (only words of one language).
_ENGLISH = (
    "the and of to is are was were we our you your it this that with for from will can "
    "be have has in on at by an they their there what which who would should"
)
_SPANISH = (
    "el la los las de del que y en por para con una un es son su sus al lo como más pero "
    "nuestro nuestra nuestros le les hay muy también está están usted ustedes desde"
)
_WORDS = {"en": frozenset(_ENGLISH.split(" ")), "es": frozenset(_SPANISH.split(" "))}
_HAN = re.compile(r"[\u3400-\u9fff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Letters only Vietnamese uses among the portal's languages (stacked tone marks, ơ, ư, đ, ă).
_VIETNAMESE = re.compile(r"[ăđơư]|[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def guess_locale(text: str, default: str, known=("en", "es", "zh_Hans", "vi", "ar")) -> str:
    """The language a short piece of text is written in, for text whose language is not
    stored (a school's reply, minutes typed under another interface language): the script for
    Chinese, Arabic and Vietnamese, word counts for English against Spanish; `default` when the
    text does not say. Never a language outside `known`."""
    text = text or ""
    if _HAN.search(text):
        found = "zh_Hans"
    elif _ARABIC.search(text):
        found = "ar"
    elif _VIETNAMESE.search(text):
        found = "vi"
    else:
        words = re.findall(r"[^\W\d_]+", text.lower())
        english = sum(w in _WORDS["en"] for w in words)
        spanish = sum(w in _WORDS["es"] for w in words) + text.count("¿") + text.count("¡")
        found = "en" if english > spanish else "es" if spanish > english else default
    return found if found in known else default
