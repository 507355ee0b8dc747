"""After sign-in, `next=` leads only to a path of this site: decided on the URL as a browser reads it,
never on the raw string (open redirect), and a `next` with control characters goes to the list."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.factories import set_up_admin, token_in

PASSWORD = "correct horse"
ELSEWHERE = [
    "/\t/evil.example",  # the tab is dropped by browsers (and urllib): //evil.example
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",  # browsers read a backslash as a slash
    "\\/evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "//[",
]
BROKEN = [
    "/articles\r\nSet-Cookie: stolen=1",  # CR/LF: once a 500 (a header cannot hold a newline)
    "/articles\nX: y",
    "/articles\x0b",
    "/articles\x1b[31m",
    "/articles\x7f",
    "/articles\u0085",  # NEL, a C1 control
]


def signed_in_to(client: FlaskClient, target: str) -> str:
    """Sign in from /login?next=target and return where the answer sends the browser."""
    form = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "admin", "password": PASSWORD, "csrf_token": token_in(form)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


@pytest.fixture
def signed_out(client: FlaskClient) -> FlaskClient:
    set_up_admin(client, "admin", PASSWORD)
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    return client


def as_a_browser_reads_it(location: str) -> tuple[str, str]:
    """Return (scheme, host) of a Location as a browser resolves it: tabs and newlines dropped,
    backslashes read as slashes, leading spaces and controls stripped (the WHATWG URL standard)."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    parts = urlsplit(cleaned.lstrip("".join(map(chr, range(0x21)))))
    return parts.scheme, parts.netloc


@pytest.mark.parametrize("target", ELSEWHERE, ids=repr)
def test_sign_in_never_sends_the_browser_to_another_site(signed_out: FlaskClient, target: str):
    location = signed_in_to(signed_out, target)
    assert as_a_browser_reads_it(location) == ("", "")
    assert location == "/"


@pytest.mark.parametrize("target", BROKEN, ids=repr)
def test_sign_in_with_control_characters_in_next_goes_to_the_list(signed_out: FlaskClient, target: str):
    assert signed_in_to(signed_out, target) == "/"


@pytest.mark.parametrize(
    "target", ["/articles/3", "/changes?label=stealth_edit&site=a.example", "/articles/3/diff#change-2"]
)
def test_sign_in_goes_back_to_the_page_of_this_site_that_asked(signed_out: FlaskClient, target: str):
    assert signed_in_to(signed_out, target) == target


def test_a_page_that_needs_a_sign_in_comes_back_after_it(signed_out: FlaskClient):
    asked = signed_out.get("/account/tokens")
    assert asked.status_code == 302
    target = parse_qs(urlsplit(asked.location).query)["next"][0]
    assert signed_in_to(signed_out, target) == "/account/tokens"
