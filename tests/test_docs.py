"""The reference under docs/ stays true and self-contained: the API reference is the OpenAPI document
as it is now, every setting of config.py is documented with its default, the webhook examples are
real payloads and the signature check works, and no link leaves the repository or leads nowhere."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

import config
from tests.pageserver import PageServer
from tracker.adapters.fetch import Client
from tracker.adapters.netguard import AddressGuard
from tracker.adapters.webhooks import post_webhook
from tracker.domain.signing import new_secret
from tracker.web.openapi import document
from tracker.web.openapi_markdown import COMMAND, api_reference, headings, slug

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MARKDOWN = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
SCHEMA = json.loads((DOCS / "webhook-payload.schema.json").read_text())
WEBHOOKS = (DOCS / "webhooks.md").read_text()
SETTING_ROW = re.compile(r"^\| `(TRACKER_[A-Z0-9_]+)` \| ([^|]+) \|", re.MULTILINE)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")  # [text](target) and ![alt](target)
AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^>\s]*)>|\b(?:https?://|www\.)\S+", re.IGNORECASE)
CODE_SPAN = re.compile(r"`[^`]+`")


def test_the_api_reference_is_written_from_the_openapi_document_as_it_is():
    written = (DOCS / "api.md").read_text()
    assert written == api_reference(document()), f"docs/api.md is out of date: run `{COMMAND}`"


def test_the_api_reference_has_every_operation():
    written = (DOCS / "api.md").read_text()
    for path, methods in document()["paths"].items():
        for method in methods:
            assert f"### {method.upper()} {path}\n" in written


def documented_settings() -> dict[str, str]:
    """Return each variable of docs/settings.md's tables with its default cell."""
    rows = SETTING_ROW.findall((DOCS / "settings.md").read_text())
    names = [name for name, _default in rows]
    assert len(names) == len(set(names)), "a setting is listed twice"
    return {name: default.strip() for name, default in rows}


def shown(default: Any) -> str:
    """Return a default as docs/settings.md writes it."""
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, float):
        return f"{default:g}"
    return str(default).replace(str(config.ROOT), "<repo>")


def test_every_setting_is_documented_and_nothing_else():
    assert set(documented_settings()) == {config.env_name(name) for name in config.DEFAULTS}


@pytest.mark.parametrize("name", sorted(config.DEFAULTS))
def test_each_documented_default_is_the_one_in_config(name: str):
    cell = documented_settings()[config.env_name(name)]
    default = config.DEFAULTS[name]
    if default == "":  # worked out at start-up, or nothing: the cell says which, in words
        assert cell.startswith("(empty"), cell
    else:
        assert cell == f"`{shown(default)}`"


def prose(text: str) -> str:
    """Return the text with fenced code blocks and code spans blanked (their newlines kept, so line
    numbers stay): what a Markdown viewer could turn into links."""
    lines, fenced = [], False
    for line in text.splitlines():
        fenced ^= line.lstrip().startswith("```")
        lines.append("" if fenced or line.lstrip().startswith("```") else line)
    return CODE_SPAN.sub(lambda span: re.sub(r"[^\n]", " ", span.group()), "\n".join(lines))


def anchors(path: Path) -> set[str]:
    return {slug(heading) for heading in headings(path.read_text())}


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda path: str(path.relative_to(ROOT)))
def test_links_stay_in_the_repository_and_lead_somewhere(path: Path):
    text = prose(path.read_text())
    for found in AUTOLINK.finditer(LINK.sub("", text)):
        raise AssertionError(f"{path.relative_to(ROOT)}: a web address outside code: {found.group()}")
    for link in LINK.finditer(text):
        target = link.group(1)
        where = f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, link.start()) + 1}: {target}"
        assert ":" not in target.split("#")[0], f"{where} leaves the repository"
        file, _, anchor = target.partition("#")
        resolved = (path.parent / unquote(file)).resolve() if file else path
        assert resolved.is_relative_to(ROOT), f"{where} is outside the repository"
        assert resolved.exists(), f"{where} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{where} names no heading there"


def marked_blocks(text: str, marker: str) -> list[str]:
    """Return the fenced code blocks that follow `<!-- marker -->` lines."""
    return re.findall(rf"<!-- {marker} -->\n```\w*\n(.*?)```", text, re.DOTALL)


def test_the_webhook_examples_are_valid_payloads():
    examples = [json.loads(block) for block in marked_blocks(WEBHOOKS, "payload")]
    assert {example["type"] for example in examples} == {"article.changed", "digest", "ping"}
    for example in examples:
        jsonschema.validate(example, SCHEMA)


def test_every_event_and_payload_field_is_described():
    for event in SCHEMA["properties"]["type"]["enum"]:
        assert f"| `{event}` |" in WEBHOOKS, event
    for rule in SCHEMA["allOf"]:
        data = SCHEMA["$defs"][rule["then"]["properties"]["data"]["$ref"].rsplit("/", 1)[1]]
        for field in data["properties"]:
            assert f"`{field}`" in WEBHOOKS, f"{rule['if']['properties']['type']['const']}: {field}"


@pytest.fixture
def verified() -> Any:
    """The signature check of docs/webhooks.md, as written there."""
    (source,) = marked_blocks(WEBHOOKS, "verify")
    namespace: dict[str, Any] = {}
    exec(compile(source, "docs/webhooks.md", "exec"), namespace)
    return namespace["verified"]


def delivered(
    consumer: PageServer, secrets: list[str], *, sent_at: float | None = None
) -> tuple[dict, bytes]:
    """Send one signed delivery as the tracker does; return the headers (lower-case) and body received."""
    body = json.dumps({"type": "ping", "timestamp": "2026-03-05T12:00:00Z", "data": {"webhook_id": 1}})
    http = Client(AddressGuard(allow_private=True), user_agent="Test/1")  # the tracker's own client
    attempt = post_webhook(
        http,
        consumer.url("/hook"),
        message_id="msg_0123456789abcdef0123456789abcdef",
        body=body,
        secrets_in_use=secrets,
        now=sent_at,
    )
    assert attempt.succeeded
    (_path, headers), received = consumer.requests[-1], consumer.bodies[-1]
    return {name.lower(): value for name, value in headers.items()}, received


def test_the_documented_signature_check_accepts_real_deliveries(verified: Any, consumer: PageServer):
    old, new = new_secret(), new_secret()
    headers, body = delivered(consumer, [new, old])  # during a rotation both secrets sign

    assert verified(new, headers, body) and verified(old, headers, body)


def test_the_documented_signature_check_refuses_forgeries_and_replays(verified: Any, consumer: PageServer):
    secret = new_secret()
    headers, body = delivered(consumer, [secret])
    stale_headers, stale_body = delivered(consumer, [secret], sent_at=time.time() - 3600)

    assert not verified(new_secret(), headers, body)  # another secret
    assert not verified(secret, headers, body.replace(b"ping", b"pong"))  # another body
    assert not verified(secret, {**headers, "webhook-id": "msg_other"}, body)
    assert not verified(secret, stale_headers, stale_body)  # an hour old
    assert not verified(secret, {}, body)
