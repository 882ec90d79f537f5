"""Sealing short secrets with a key derived from SECRET_KEY, and keyed hashes of tokens.

Used for two-step sign-in secrets at rest and for the enrolment form's hidden field; kept
general so that reset and invitation links can use the same helpers. The construction is
encrypt-then-MAC with the standard library only: an HMAC-SHA256 keystream (counter mode) over
a random 16-byte nonce, and an HMAC-SHA256 tag over the purpose, nonce and ciphertext. Each
purpose gets its own keys, so a value sealed for one use cannot be unsealed for another.
Changing SECRET_KEY makes every sealed value unreadable (people enrol their phone again).
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

_NONCE = 16
_TAG = 16


def _keys(purpose: str) -> tuple[bytes, bytes]:
    root = current_app.secret_key.encode()
    enc = hmac.new(root, f"seal-encrypt:{purpose}".encode(), hashlib.sha256).digest()
    mac = hmac.new(root, f"seal-mac:{purpose}".encode(), hashlib.sha256).digest()
    return enc, mac


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    return b"".join(
        hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(blocks)
    )[:length]


def seal(plaintext: str, purpose: str) -> str:
    """`plaintext` encrypted and authenticated for `purpose`, as URL-safe text."""
    enc, mac = _keys(purpose)
    nonce = secrets.token_bytes(_NONCE)
    data = plaintext.encode()
    body = bytes(a ^ b for a, b in zip(data, _keystream(enc, nonce, len(data)), strict=True))
    tag = hmac.new(mac, purpose.encode() + nonce + body, hashlib.sha256).digest()[:_TAG]
    return base64.urlsafe_b64encode(nonce + body + tag).decode().rstrip("=")


def unseal(sealed: str, purpose: str) -> str | None:
    """The plaintext, or None when `sealed` was altered, sealed for another purpose or under
    another SECRET_KEY, or is not a sealed value at all."""
    try:
        raw = base64.urlsafe_b64decode((sealed or "") + "=" * (-len(sealed or "") % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) < _NONCE + _TAG:
        return None
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    enc, mac = _keys(purpose)
    expected = hmac.new(mac, purpose.encode() + nonce + body, hashlib.sha256).digest()[:_TAG]
    if not hmac.compare_digest(tag, expected):
        return None
    data = bytes(a ^ b for a, b in zip(body, _keystream(enc, nonce, len(body)), strict=True))
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def keyed_hash(value: str, purpose: str) -> str:
    """A hex HMAC-SHA256 of `value` for `purpose`: for high-entropy tokens and codes stored
    only as hashes (a database copy alone cannot check guesses against them)."""
    _enc, mac = _keys(purpose)
    return hmac.new(mac, value.encode(), hashlib.sha256).hexdigest()
