"""What the demo district says: its content tables, in five languages, apart from the code in
portal/demo/ that builds the district from them through the portal's services."""


def T(en, es, zh=None, vi=None, ar=None) -> dict:
    """A translated text: English and Spanish always, the other languages where given."""
    text = {"en": en, "es": es}
    for code, value in (("zh_Hans", zh), ("vi", vi), ("ar", ar)):
        if value:
            text[code] = value
    return text
