"""The answered-device mark: a signed cookie saying which surveys this browser has answered, and
how many people of a household sharing it have answered each. A device mark, not a person: a
cleared cookie answers again, which is why flood limits and receipts exist (survey_guard)."""

from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

ANSWERED_COOKIE = "cg_answered"
KEEP_SURVEYS = 50  # the newest ones: the cookie stays small
ONE_YEAR = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="survey-answered")


@dataclass
class Device:
    """What the cookie says: people who answered, by survey id, and the surveys where someone
    else of the household asked to answer next."""

    answered: dict[int, int] = field(default_factory=dict)
    another: set[int] = field(default_factory=set)

    @classmethod
    def from_request(cls) -> "Device":
        """The device mark sent with this request (none when missing or not ours)."""
        raw = request.cookies.get(ANSWERED_COOKIE)
        if not raw:
            return cls()
        try:
            data = _serializer().loads(raw)
            if isinstance(data, list):  # the first format: only the surveys answered
                return cls({int(i): 1 for i in data})
            answered = {int(k): max(1, int(v)) for k, v in data.get("a", {}).items()}
            return cls(answered, {int(i) for i in data.get("o", []) if int(i) in answered})
        except (BadSignature, AttributeError, TypeError, ValueError):
            return cls()

    def may_answer(self, survey_id: int) -> bool:
        """Whether the form is shown: nobody answered here yet, or another person is next."""
        return survey_id not in self.answered or survey_id in self.another

    def persons(self, survey_id: int) -> int:
        """How many people have answered the survey on this device."""
        return self.answered.get(survey_id, 0)

    def answered_now(self, survey_id: int) -> None:
        """One more person answered the survey here."""
        self.answered[survey_id] = self.persons(survey_id) + 1
        self.another.discard(survey_id)

    def someone_else(self, survey_id: int) -> None:
        """Another person of the household answers next (once)."""
        if survey_id in self.answered:
            self.another.add(survey_id)

    def save(self, response) -> None:
        """Set the cookie on `response`."""
        kept = sorted(self.answered)[-KEEP_SURVEYS:]
        data = {
            "a": {str(i): self.answered[i] for i in kept},
            "o": sorted(i for i in self.another if i in kept),
        }
        response.set_cookie(
            ANSWERED_COOKIE,
            _serializer().dumps(data),
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )


def answered_survey_ids() -> set[int]:
    """Surveys this device has answered (a device mark, not a person)."""
    return set(Device.from_request().answered)
