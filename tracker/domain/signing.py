"""Standard Webhooks signatures: secrets, and the webhook-signature header for a message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32  # at least 24, as the convention asks


def new_secret() -> str:
    """Return a new secret: whsec_ and the base64 of random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """Return v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"> keyed with the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_in_use: list[str], message_id: str, timestamp: int, body: str) -> str:
    """Return the webhook-signature header: one signature per secret in use, space-separated
    (during a rotation the old secret still signs, so consumers can switch over)."""
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_in_use)
