"""The one error a service raises when the rules refuse what a user asked for."""


class Rejected(ValueError):
    """Refused input: `fields` maps a form field's name to a message in the user's language;
    `messages` are about the request as a whole. The route puts them beside the fields and in
    the summary (`PortalForm.reject`, through `portal.forms.saved`) and answers 422; nothing is
    committed."""

    def __init__(self, fields: dict[str, str] | None = None, *messages: str):
        self.fields = dict(fields or {})
        self.messages = [str(m) for m in messages]
        super().__init__("; ".join([*map(str, self.fields.values()), *self.messages]))

    @classmethod
    def field(cls, name: str, message: str) -> "Rejected":
        return cls({name: message})
