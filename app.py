"""The run command: `python app.py` serves the web UI with the scheduler in one process.

Also what `flask --app app ...` loads. Either way the embedded SQLite database is brought to the
latest migration first; PostgreSQL is migrated only by `flask --app app db upgrade`.
"""

from __future__ import annotations

from tracker.adapters.db import upgrade_if_embedded
from tracker.cli import serve
from tracker.factory import create_app

app = create_app()
upgrade_if_embedded(app.extensions["tracker"].engine)

if __name__ == "__main__":
    serve(app)
