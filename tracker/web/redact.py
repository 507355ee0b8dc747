"""Keep secrets in query strings (private feed keys, tokens) out of the servers' request logs."""

from __future__ import annotations

import logging
import re

# Private Atom feed addresses carry ?key=; a script may put a token in ?token= or ?access_token=.
SECRET_QUERY = re.compile(r"([?&;](?:key|token|access_token|api_key|secret)=)[^&;\s\"']*", re.IGNORECASE)
REDACTED = "[redacted]"
# Loggers that write request lines with their query strings: `flask run` (werkzeug), gunicorn's access log.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def redacted(text: str) -> str:
    """Return text with the values of secret query parameters replaced."""
    return SECRET_QUERY.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redacted(record.msg) if isinstance(record.msg, str) else record.msg
        if isinstance(record.args, dict):  # in place: gunicorn's atoms are a dict that fills in missing keys
            record.args.update({name: scrub(value) for name, value in record.args.items()})
        elif isinstance(record.args, tuple):
            record.args = tuple(scrub(value) for value in record.args)
        return True


def scrub(value: object) -> object:
    return redacted(value) if isinstance(value, str) else value


# One instance, so building many apps adds it once (Logger.addFilter skips a known filter).
FILTER = RedactSecrets()


def init_app() -> None:
    for name in REQUEST_LOGGERS:
        logging.getLogger(name).addFilter(FILTER)
