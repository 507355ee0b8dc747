"""Settings: one table of defaults, each overridden by a TRACKER_<NAME> environment variable.

Only the entry points (tracker.create_app, the CLI, app.py and migrations/env.py) read this
module; everything below them receives values as arguments. docs/settings.md lists every setting.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


@dataclass(frozen=True)
class Settings:
    """Every setting with its default; the environment variable is TRACKER_ + the upper-cased name."""

    # Storage
    database_url: str = f"sqlite:///{INSTANCE / 'tracker.sqlite'}"
    secret_key: str = ""  # empty: generated once and kept in instance/secret_key
    # Processes
    scheduler: bool = True
    tick_seconds: int = 5
    host: str = "127.0.0.1"
    port: int = 5000
    base_url: str = ""  # the public address for absolute links; empty: where host and port serve
    # Checking
    intervals: str = "6h=5m,1d=15m,3d=1h,14d=6h,*=1d"  # article age=time between checks (no own interval)
    after_change: str = "2h=5m"  # for this long after a change, check at least this often
    gone_interval: str = "6h"  # between checks of a gone article (removed, redirected away) ...
    gone_for: str = "30d"  # ... for this long after it went; then daily
    batch_size: int = 500  # articles a worker claims at a time
    lease_seconds: int = 300
    fetch_concurrency: int = 128  # fetches in flight per worker, all sites together
    host_concurrency: int = 2  # fetches in flight to one site
    host_delay: float = 1.0
    read_processes: int = -1  # processes reading pages; -1: one per core in `tracker worker` and a long `tracker check`, none in `serve`
    read_cpu_seconds: float = 30.0  # CPU a reading process may spend on one page (then too_complex); 0: none
    worker_nice: int = 10  # `tracker worker` lowers its CPU priority by this (0-19): the web answers first
    robots: bool = True
    check_retention_days: int = 30  # then only checks that made a version or failed are kept
    feed_interval: int = 900  # seconds between polls of one feed source
    # Archives: fill in an article's past from web archives' captures (RFC 7089 TimeMaps)
    archives: str = "https://web.archive.org/web/timemap/link/"  # TimeMap URL prefixes, comma-separated; empty: no backfill
    backfill_max: int = 50  # captures read per article (spread evenly over time when there are more)
    backfill_deadline: float = 60.0  # seconds a backfill may take before the first live check goes ahead
    archive_concurrency: int = 1  # requests in flight to one archive host
    archive_delay: float = 1.0  # seconds between requests to one archive host
    # Ask an archive to capture each new live version (the Internet Archive's Save Page Now), so that a
    # third party holds the evidence too; off by default.
    save_page_now: bool = False
    save_page_now_url: str = "https://web.archive.org/save/"  # the article URL is appended
    save_page_now_pause: float = 30.0  # seconds between save requests, per process
    # Alerts
    delivery_concurrency: int = 64  # webhook deliveries in flight, all endpoints together
    endpoint_concurrency: int = 16  # deliveries in flight to one endpoint
    webhook_timeout: float = 10.0
    delivery_lease_seconds: int = 120
    allow_private_networks: bool = False
    max_body_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    fetch_deadline: float = 60.0
    contact_url: str = "https://github.com/article-revision-tracker"
    user_agent: str = ""  # empty: ArticleRevisionTracker/0.1 (+TRACKER_CONTACT_URL)
    chromium: str = "/usr/bin/chromium"  # for sites whose rules say "render with a browser"
    # Web
    public_read: bool = False  # the default; an admin switches it on the admin status page
    https: bool = False  # served over HTTPS: Secure cookies and HSTS
    trusted_proxies: str = ""  # addresses/CIDRs whose X-Forwarded-For names the client; empty: none
    signup: str = "invite"  # open: anyone may sign up; invite: with an admin's invite code; closed
    ratelimit: bool = True  # limit writes and check-now per user and per address
    write_limit: str = "120 per minute"  # API writes and form posts, per user (or address)
    check_limit: str = "10 per minute"  # check-now, per user (or address)
    check_now_pause: int = 5  # seconds between check-nows of one site, whoever asks; 0: none
    # Fetches made inside a request (check-now, feed follow and discovery, pings) hold a web thread.
    request_fetch_deadline: float = 15.0  # total seconds each such fetch may take
    request_fetches: int = 3  # in flight per web process: fewer than waitress's 8 and gunicorn's 4 threads
    request_fetches_per_user: int = 2  # in flight per user (or address)
    redis_url: str = ""  # keep rate-limit counters in Redis (shared by every process); empty: in memory
    # Observability
    log_format: str = "text"  # text | json (one JSON object a line)
    metrics: bool = True  # serve /metrics (Prometheus), unauthenticated like /healthz
    metrics_port: int = 0  # `tracker worker` serves its metrics on this port; 0: off


DEFAULTS: dict[str, Any] = {field.name: field.default for field in fields(Settings)}
CHOICES = {"signup": ("open", "invite", "closed"), "log_format": ("text", "json")}
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"0", "false", "off", "no"})
# Binds to every interface: no address a link could name.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]", "*"})


class SettingError(ValueError):
    """A TRACKER_* variable holds a value its setting cannot take."""


def load(environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
    """Return the defaults overridden by TRACKER_<NAME> variables (parsed by type), then by overrides;
    without a base URL, links name the address the run command serves on."""
    values: dict[str, Any] = {
        name: parse(name, environ[env_name(name)], type(default))
        for name, default in DEFAULTS.items()
        if env_name(name) in environ
    }
    settings = replace(Settings(), **{**values, **overrides})
    return settings if settings.base_url else replace(settings, base_url=served_address(settings))


def env_name(name: str) -> str:
    return f"TRACKER_{name.upper()}"


def parse(name: str, raw: str, kind: type) -> object:
    """Return the raw text of a setting as a value of `kind`; raise SettingError naming the variable."""
    text = raw.strip()
    if kind is bool:
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise SettingError(f"{env_name(name)}={raw!r}: write 1/0, true/false, on/off or yes/no")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise SettingError(f"{env_name(name)}={raw!r}: expected a number") from None
    if name in CHOICES and text not in CHOICES[name]:
        raise SettingError(f"{env_name(name)}={raw!r}: one of {', '.join(CHOICES[name])}")
    return text if name in CHOICES else raw


def served_address(settings: Settings) -> str:
    """Return the address the run command serves on (TRACKER_HOST:TRACKER_PORT) as a link: a wildcard
    bind (0.0.0.0, ::) names no address, so the machine's host name stands for it."""
    host = settings.host.strip()
    if host in WILDCARD_HOSTS:
        host = socket.gethostname() or "127.0.0.1"
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def user_agent(settings: Settings) -> str:
    """Return the User-Agent sent with every request: the setting, or one naming the contact URL."""
    return settings.user_agent or f"ArticleRevisionTracker/0.1 (+{settings.contact_url})"


def secret_key(settings: Settings, instance: Path = INSTANCE) -> str:
    """Return the configured secret key, else the one kept in instance/secret_key (made on first use)."""
    if settings.secret_key:
        return settings.secret_key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(text: str) -> tuple[Network, ...]:
    """Return the networks of a comma-separated list of addresses and CIDRs (empty: trust nobody)."""
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingError(
                f"TRACKER_TRUSTED_PROXIES: {item!r} is neither an address nor a network such as 10.0.0.0/8"
            ) from None
    return tuple(networks)


def archive_prefixes(text: str) -> tuple[str, ...]:
    """Return the TimeMap URL prefixes of TRACKER_ARCHIVES (empty: backfill is off); raise SettingError
    naming one that is not an http(s) address."""
    prefixes = tuple(filter(None, (part.strip() for part in text.split(","))))
    for prefix in prefixes:
        if not prefix.lower().startswith(("http://", "https://")) or len(prefix) < 10:
            raise SettingError(
                f"TRACKER_ARCHIVES: {prefix!r} is not a TimeMap address such as "
                "https://web.archive.org/web/timemap/link/"
            )
    return prefixes
