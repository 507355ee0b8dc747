"""JSON columns are read with orjson, and still read what only Python's json can."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import select

from tracker.adapters.db import loads_json
from tracker.adapters.models import Webhook
from tracker.engine.runtime import Runtime
from tracker.services import accounts


def test_a_json_column_that_orjson_refuses_still_reads(runtime: Runtime):
    """json writes a lone surrogate (which a request body may carry) as an escape both databases
    keep; orjson refuses to read it back, and the row must not become unreadable."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        user = accounts.ensure_user(session, "alice", is_admin=False, now=now)
        session.add(
            Webhook(user_id=user.id, url="https://example.com/hook", tags=["bad \ud800 half"], created_at=now)
        )
    with runtime.sessions() as session:
        assert session.scalars(select(Webhook.tags)).one() == ["bad \ud800 half"]


def test_loads_json_reads_what_json_reads():
    assert loads_json(b'{"tags": ["caf\\u00e9"], "n": 3}') == {"tags": ["café"], "n": 3}
    assert math.isnan(loads_json("[NaN]")[0])
