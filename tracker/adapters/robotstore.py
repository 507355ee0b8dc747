"""The robots.txt files a process fetched, kept in the database for the next process (tracker.adapters.robots)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from tracker.adapters.models import RobotsTxt
from tracker.adapters.robots import RobotsFile

logger = logging.getLogger(__name__)

# Remembering is a courtesy to the sites: when the database cannot answer, the file is fetched as if
# never seen (as before it was kept) rather than failing the check.


def load_robots_file(sessions: sessionmaker, origin: str) -> RobotsFile | None:
    """Return the origin's file as last fetched, however old; None when never fetched."""
    try:
        with sessions() as session:
            row = session.get(RobotsTxt, origin)
            return None if row is None else RobotsFile(row.origin, row.fetched_at, row.text)
    except SQLAlchemyError:
        logger.warning("could not read the remembered robots.txt of %s", origin, exc_info=True)
        return None


def save_robots_file(sessions: sessionmaker, file: RobotsFile) -> None:
    """Remember file in place of the origin's older copy."""
    # PostgreSQL's text cannot hold NUL, and robots.txt parsers ignore it.
    text = None if file.text is None else file.text.replace("\x00", "")
    try:
        with sessions.begin() as session:
            session.merge(RobotsTxt(origin=file.origin, fetched_at=file.fetched_at, text=text))
    except IntegrityError:
        pass  # another process remembered the origin at the same moment: its copy is as new
    except SQLAlchemyError:
        logger.warning("could not remember the robots.txt of %s", file.origin, exc_info=True)
