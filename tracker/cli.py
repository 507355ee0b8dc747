"""Commands: `flask --app app tracker ...` to track and check, `flask --app app db ...` to migrate.

Each command loads what it runs: the scheduler (APScheduler) and the web server (waitress) are
imported inside the commands that tick or serve, the poller (with the reading code; its writer
loads the storing code) by the commands that check, the backfiller, importer and copier by
theirs, Alembic only by migrations (tracker.adapters.db), and the app installs its web layer on
its first request (tracker.factory): every `flask --app app` command loads this module, and
`tracker check` with nothing due loads neither the poller nor the extractors.
"""

from __future__ import annotations

import atexit
import gc
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from tracker.adapters import db
from tracker.adapters.logs import configure_logging
from tracker.adapters.models import User
from tracker.domain.errors import TrackerError
from tracker.domain.listfiles import FORMATS, ListFileError, guess_format, read_list, write_csv, write_opml
from tracker.engine.runtime import Runtime, make_poller
from tracker.services import accounts, articles, queue

if TYPE_CHECKING:
    from tracker.engine.backfiller import BackfillRun
    from tracker.engine.poller import PollReport

tracker_group = AppGroup("tracker", help="Track articles and check them.")
db_group = AppGroup("db", help="Apply or write database migrations.")
READERS_FROM = 50  # articles from which `tracker check` reads in processes of their own


def init_app(app: Flask) -> None:
    app.cli.add_command(tracker_group)
    app.cli.add_command(db_group)
    atexit.unregister(skip_last_collection)  # once per process, however many apps it makes
    atexit.register(skip_last_collection)


def skip_last_collection() -> None:
    """Spare the interpreter, as it exits, its last walk over every object the process loaded: some
    0.2 s of every command. By then what a command wrote is committed; the exit handlers registered
    before this one (logging's, which flushes the logs) still run after it; the operating system
    takes the memory back at once. Only objects in reference cycles go unfinalised."""
    gc.freeze()


def runtime() -> Runtime:
    return current_app.extensions["tracker"]


@tracker_group.command("add")
@click.argument("url")
@click.option("--user", "username", help="User who follows the article (default: the first admin).")
def add_command(url: str, username: str | None) -> None:
    """Track URL. Prints the article id alone on the last line. Never fetches."""
    run = runtime()
    with run.sessions.begin() as session:
        user = accounts.user_named(session, username) if username else accounts.first_admin(session)
        if username and user is None:
            raise click.UsageError(
                f"there is no user {username!r}; create one with `tracker create-token {username}`"
            )
        try:
            article, created = articles.add_article(
                session,
                url,
                user_id=user.id if user else None,
                allow_private=run.settings.allow_private_networks,
                now=run.checking.clock(),
                backfilling=run.backfilling,
            )
        except TrackerError as error:
            raise click.UsageError(f"{error.code}: {error.message}") from None
        click.echo(f"{'Tracking' if created else 'Already tracked'}: {article.url}")
        click.echo(article.id)


@tracker_group.command("check")
@click.argument("article_id", type=int, required=False)
@click.option("--all", "check_every", is_flag=True, help="Check every active article.")
def check_command(article_id: int | None, check_every: bool) -> None:
    """Check one article (ID) or all of them now, ignoring their schedule."""
    if (article_id is None) == (not check_every):
        raise click.UsageError("give an article ID or --all")
    run = runtime()
    if article_id is not None:
        from tracker.services import checks

        try:
            check = checks.check_article(run.checking, article_id)
        except TrackerError as error:
            raise click.UsageError(error.message) from None
        click.echo(
            describe_check(
                article_id, check.outcome, check.version_number, check.error_code, check.error_message
            )
        )
        send_due_alerts(run)
        return
    with run.sessions() as session:
        ids = queue.checkable_ids(session)
    click.echo(describe_pass(check_all(run, ids)) if ids else "Checked 0 articles")
    send_due_alerts(run)


def check_all(run: Runtime, ids: list[int]) -> PollReport:
    """Check these articles now, with a progress bar."""
    from tracker.engine.readers import start_fork_server

    readers = check_readers(run, len(ids))
    if readers:
        start_fork_server()  # its imports run on another core while this process imports the poller
    poller = make_poller(run, read_processes=readers, host_delay=0)  # no host delay
    gc.freeze()  # the pass's full collections no longer walk all that start-up loaded
    try:
        with progress_bar(len(ids), "Checking") as bar:
            return poller.check(ids, progress=bar.update)
    finally:
        poller.close()
        gc.unfreeze()  # a caller in the same process (the tests' command runner) goes on collecting


def describe_pass(report: PollReport) -> str:
    counts = ", ".join(
        f"{count} {outcome.replace('_', ' ')}" for outcome, count in sorted(report.outcomes.items())
    )
    return f"Checked {report.checked} article{'s' if report.checked != 1 else ''}" + (
        f": {counts}" if counts else ""
    )


def check_readers(run: Runtime, articles: int) -> int:
    """Return how many reading processes `tracker check` starts: TRACKER_READ_PROCESSES, or by
    default one per core for a long list (a few pages are read before a process would be ready)."""
    from tracker.engine.readers import default_read_processes

    if run.settings.read_processes >= 0:
        return run.settings.read_processes
    return default_read_processes() if articles >= READERS_FROM else 0


def progress_bar(length: int, label: str) -> Any:
    """Return a progress bar on stderr (stdout stays for results scripts read)."""
    return click.progressbar(length=length, label=label, file=click.get_text_stream("stderr"))  # type: ignore[operator]


def send_due_alerts(run: Runtime) -> None:
    """Send the alerts the checks just queued (and any other due), and say how many went out."""
    from tracker.engine.deliverer import make_deliverer

    deliverer = make_deliverer(run)
    try:
        report = deliverer.deliver_due()
    finally:
        deliverer.close()
    if report:
        click.echo(f"Alerts: {report['succeeded']} sent, {report['failed']} failed (retried later)")


def describe_check(
    article_id: int, outcome: str, version: int | None, code: str | None, message: str | None
) -> str:
    if outcome == "error":
        return f"article {article_id}: error {code}: {message}"
    return f"article {article_id}: {outcome.replace('_', ' ')}" + (f" (version {version})" if version else "")


@tracker_group.command("backfill")
@click.argument("article_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Every article whose past is filled in (backfill on).")
def backfill_command(article_id: int | None, every: bool) -> None:
    """Fill in one article's past (ID) or every article's from the web archives (TRACKER_ARCHIVES) now."""
    if (article_id is None) == (not every):
        raise click.UsageError("give an article ID or --all")
    from tracker.engine.backfiller import make_backfiller

    run = runtime()
    if not run.backfilling.archives:
        raise click.UsageError("TRACKER_ARCHIVES is empty: no web archive to fill articles' past from")
    backfiller = make_backfiller(run)
    if article_id is not None:
        try:
            click.echo(describe_backfill(backfiller.backfill(article_id)))
        except TrackerError as error:
            raise click.UsageError(error.message) from None
        send_due_alerts(run)
        return
    runs: list[BackfillRun] = []
    with progress_bar(backfiller.queue_every(), "Backfilling") as bar:

        def ran(done: BackfillRun) -> None:
            runs.append(done)
            bar.update(1)

        report = backfiller.run_due(progress=ran)
    for done in sorted(runs, key=lambda done: done.article_id):
        click.echo(describe_backfill(done))
    click.echo(
        f"Backfilled {len(runs)} article{'s' if len(runs) != 1 else ''}: "
        f"{sum(done.versions_added for done in runs)} versions stored"
        + (f", {report['crashed']} crashed" if report["crashed"] else "")
    )
    send_due_alerts(run)


def describe_backfill(done: BackfillRun) -> str:
    stored = f"{done.versions_added} version{'s' if done.versions_added != 1 else ''} stored"
    read = f"{done.captures_read} of {done.captures_found} captures read, {done.requests} requests"
    trouble = f"; {done.error_code}: {done.error_message}" if done.error_code else ""
    return f"article {done.article_id}: {stored} ({read}); {done.state}{trouble}"


@tracker_group.command("export-warc")
@click.argument("arguments", nargs=-1, required=True, metavar="ID|--all FILE")
@click.option("--all", "export_every", is_flag=True, help="Export every article.")
def export_warc_command(arguments: tuple[str, ...], export_every: bool) -> None:
    """Write every version of one article (ID) or of every article to FILE as WARC 1.1: each page as
    fetched and the text read from it. Records are gzipped when FILE ends with .gz (what pywb reads)."""
    from tracker.services import warcexport  # warcio: loaded by the command that writes WARC only

    if len(arguments) != (1 if export_every else 2) or not (export_every or arguments[0].isdigit()):
        raise click.UsageError("give an article ID or --all, then FILE")
    path = Path(arguments[-1])
    run = runtime()
    with run.sessions() as session:
        try:
            ids = (
                warcexport.all_article_ids(session)
                if export_every
                else [articles.get_article(session, int(arguments[0])).id]
            )
        except TrackerError as error:
            raise click.UsageError(error.message) from None
    with (
        path.open("wb") as out,
        progress_bar(len(ids), "Exporting") if export_every else nullcontext() as bar,
    ):
        try:
            warcexport.write_warc(
                run.sessions,
                ids,
                out,
                gzip=path.suffix == ".gz",
                filename=path.name,
                at=run.checking.clock(),
                progress=bar.update if bar else lambda _articles: None,
            )
        except TrackerError as error:  # an article deleted while the file was being written
            raise click.ClickException(error.message) from None
    click.echo(f"Wrote {len(ids)} article{'s' if len(ids) != 1 else ''} to {path}")


@tracker_group.command("list")
def list_command() -> None:
    """List tracked articles: id, versions, status, last check, title."""
    with runtime().sessions() as session:
        listing = articles.list_articles(session, user_id=None, limit=10_000)
    for article in reversed(listing.items):
        checked = article.last_checked_at.strftime("%Y-%m-%d %H:%M") if article.last_checked_at else "never"
        click.echo(
            f"{article.id:>6}  v{article.version_count:<4} {article.status:<8} {checked:<16}  "
            f"{article.title or article.url}"
        )


@tracker_group.command("create-token")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the user an admin.")
@click.option("--name", default="cli", help="A name to recognise the token by.")
def create_token_command(username: str, admin: bool, name: str) -> None:
    """Print a new API token for USERNAME (created if needed; the first user is admin)."""
    run = runtime()
    with run.sessions.begin() as session:
        try:
            user = accounts.ensure_user(session, username, is_admin=admin, now=run.checking.clock())
        except TrackerError as error:
            raise click.UsageError(error.message) from None
        _row, token = accounts.create_token(session, user, name=name, now=run.checking.clock())
    click.echo(f"Token for {username} (shown once; store it safely):")
    click.echo(token)


@tracker_group.command("set-password")
@click.argument("username")
@click.password_option()
def set_password_command(username: str, password: str) -> None:
    """Set USERNAME's password (for users made by create-token, or a forgotten password)."""
    run = runtime()
    with run.sessions.begin() as session:
        user = accounts.user_named(session, username)
        if user is None:
            raise click.UsageError(f"there is no user {username!r}")
        try:
            accounts.set_password(user, password)
        except TrackerError as error:
            raise click.UsageError(error.message) from None
    click.echo(f"{username} can now sign in with that password.")


@tracker_group.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--user", "username", help="Whose watchlist (default: the first admin).")
@click.option("--tags", default="", help="Tag every imported article (comma-separated).")
@click.option("--format", "kind", type=click.Choice(FORMATS), help="Default: from the file name or content.")
def import_command(source: TextIO, username: str | None, tags: str, kind: str | None) -> None:
    """Track every URL in SOURCE (a file, or - for stdin): one URL per line, CSV with url,tags, or OPML."""
    from tracker.services import importing, watchlists

    run = runtime()
    content = source.read()
    try:
        lines, bad = read_list(content, kind or guess_format(content, filename=source.name))
    except ListFileError as error:
        raise click.UsageError(str(error)) from None
    with run.sessions.begin() as session:
        user = command_user(session, username)
        with progress_bar(len(lines), "Importing") as bar:
            try:
                report = importing.import_list(
                    session,
                    user.id,
                    lines,
                    bad,
                    tags=tuple(watchlists.checked_tags(tags)),
                    allow_private=run.settings.allow_private_networks,
                    now=run.checking.clock(),
                    progress=bar.update,
                    backfilling=run.backfilling,
                )
            except TrackerError as error:
                raise click.UsageError(error.message) from None
    for line in report.rejected:
        click.echo(f"line {line.number}: {line.code}: {line.message} ({line.url})", err=True)
    click.echo(
        f"{len(report.added)} added, {len(report.already_tracked)} already tracked, "
        f"{len(report.rejected)} rejected"
    )


@tracker_group.command("export")
@click.option("--user", "username", help="Whose watchlist (default: the first admin).")
@click.option("--format", "kind", type=click.Choice(("csv", "opml")), default="csv", show_default=True)
def export_command(username: str | None, kind: str) -> None:
    """Print a user's watchlist as CSV (url, title, tags, note, added_at) or OPML."""
    from tracker.services import importing

    with runtime().sessions() as session:
        user = command_user(session, username)
        rows = importing.watchlist(session, user.id)
    click.echo(
        write_csv(rows) if kind == "csv" else write_opml(rows, title=f"{user.username}'s watchlist"), nl=False
    )


def command_user(session: Session, username: str | None) -> User:
    """Return the named user, or the first admin; a usage error when there is none."""
    user = accounts.user_named(session, username) if username else accounts.first_admin(session)
    if user is None:
        raise click.UsageError(
            f"there is no user {username!r}"
            if username
            else "there is no user yet: run `tracker create-token NAME`"
        )
    return user


@tracker_group.command("prune")
def prune_command() -> None:
    """Delete checks older than TRACKER_CHECK_RETENTION_DAYS that made no version and did not fail."""
    run = runtime()
    with run.sessions.begin() as session:
        deleted = queue.prune_checks(
            session, now=run.checking.clock(), keep_days=run.settings.check_retention_days
        )
    click.echo(f"Deleted {deleted} old check{'s' if deleted != 1 else ''}.")


@tracker_group.command("copy-db")
@click.option(
    "--to", "target_url", required=True, help="The PostgreSQL database to copy into, e.g. postgresql://..."
)
def copy_db_command(target_url: str) -> None:
    """Copy this installation's whole database into another (migrated first; it must be empty)."""
    from tracker.services import copying

    run = runtime()
    db.upgrade(target_url)
    target = db.make_engine(target_url)
    try:
        counts = copying.row_counts(run.engine)
        with progress_bar(sum(counts.values()), "Copying") as bar:
            try:
                copying.copy_database(run.engine, target, progress=bar.update)
            except TrackerError as error:
                raise click.ClickException(error.message) from None
        copied = copying.row_counts(target)
    finally:
        target.dispose()
    for table, rows in counts.items():
        click.echo(
            f"{table:<20} {rows:>10} -> {copied[table]:>10}{'' if rows == copied[table] else '  MISMATCH'}"
        )
    if copied != counts:
        raise click.ClickException("the row counts differ; the copy is incomplete")
    click.echo(
        f"Copied {sum(counts.values())} rows. Set TRACKER_DATABASE_URL to the new database and restart."
    )


@tracker_group.command("serve")
def serve_command() -> None:
    """Serve the web UI with the scheduler in the same process (the embedded default)."""
    serve(current_app._get_current_object())  # type: ignore[attr-defined]


def serve(app: Flask) -> None:
    """Serve app on TRACKER_HOST:TRACKER_PORT, with the scheduler unless TRACKER_SCHEDULER=off."""
    import waitress

    from tracker.engine import worker

    run = app.extensions["tracker"]
    settings = run.settings
    configure_logging(settings.log_format)
    # The web layer now, not on the first request, and before gc.freeze below. The app is
    # tracker.factory's TrackerApp, which this module (below the factory) does not import.
    app.install_web()  # type: ignore[attr-defined]
    ticker = worker.start_in_background(run) if settings.scheduler else None
    app.extensions["tracker_scheduler"] = ticker  # /readyz asks it whether it still ticks
    click.echo(f"Serving on http://{settings.host}:{settings.port} (scheduler {'on' if ticker else 'off'})")
    gc.freeze()  # as gunicorn.conf.py does: full collections no longer walk the loaded app
    try:
        waitress.serve(
            app,
            host=settings.host,
            port=settings.port,
            threads=8,
            ident="tracker",
            # waitress drops X-Forwarded-* by default; with trusted proxies the app's own middleware
            # (tracker/web/proxies.py, CIDR lists, also under gunicorn) decides whom to believe.
            clear_untrusted_proxy_headers=not settings.trusted_proxies.strip(),
        )
    finally:
        if ticker is not None:
            ticker.stop()


@tracker_group.command("worker")
def worker_command() -> None:
    """Run the scheduler (checks) without the web server, until SIGTERM or SIGINT."""
    from tracker.adapters.metrics import serve_metrics
    from tracker.engine import worker

    run = runtime()
    configure_logging(run.settings.log_format)
    worker.lower_priority(run.settings.worker_nice)
    if run.settings.metrics_port:
        serve_metrics(run.settings.host, run.settings.metrics_port)
    gc.freeze()  # as the servers do: full collections no longer walk the loaded code
    worker.run_until_stopped(run)


@db_group.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    db.upgrade(runtime().settings.database_url, revision)


@db_group.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Undo migrations down to REVISION (`base` undoes all)."""
    db.downgrade(runtime().settings.database_url, revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    db.write_revision(runtime().settings.database_url, message)
