"""Committee rules as plain functions: composition, quorum, and a motion's outcome."""

from collections import Counter
from dataclasses import dataclass

STAFF_SEATS = {"teacher", "staff", "principal"}
COMMUNITY_SEATS = {"parent", "community"}


def composition_problems(kind: str, seats: list[tuple], el_share: float) -> list[str]:
    """What a roster lacks under the district's rules, as codes the page explains.

    `seats` are (seat, parent_of_english_learner[, district_employee]) for current members. A
    site council has as many staff as parents and community members, with teachers a majority
    of the staff (not counting students); an ELAC has parents of English learners at least in
    proportion to their share of the school's students. A DELAC's majority are parents of
    English learners who are not employed by the district (California Education Code
    § 52176(a); the guidebook names the ELAC but sets no district rule). The district budget
    advisory committee and advisory council have no composition rule in the guidebook (ch. 2
    asks only for representatives of the key stakeholder groups), so none is checked.
    """
    counts = Counter(seat for seat, *_ in seats)
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
        el_parents = sum(1 for seat, el, *_ in seats if seat == "parent" and el)
        if members and el_parents / members < el_share:
            problems.append("elac_parents")
    elif kind == "delac":
        el_parents = sum(
            1 for seat, el, *employee in seats if seat == "parent" and el and not any(employee)
        )
        if seats and el_parents * 2 <= len(seats):
            problems.append("delac_parents")
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
