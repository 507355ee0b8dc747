"""The HTML pages through Flask's test client: first-run set-up, sign-in, adding, history, escaping."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import article_page, set_up_admin, story, token_in
from tests.pageserver import PageServer


def add_through_form(client: FlaskClient, url: str):
    token = token_in(client.get("/").get_data(as_text=True))
    return client.post("/articles", data={"url": url, "csrf_token": token})


def test_first_start_sends_every_page_to_setup(client: FlaskClient):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/setup")
    assert "administrator" in client.get("/setup").get_data(as_text=True)


def test_setup_creates_the_admin_signs_in_and_closes(client: FlaskClient):
    set_up_admin(client)
    home = client.get("/").get_data(as_text=True)
    assert "admin (admin)" in home and "Track an article" in home
    assert client.get("/setup").status_code == 302  # only once


def test_forms_without_a_csrf_token_are_refused(client: FlaskClient):
    set_up_admin(client)
    response = client.post("/articles", data={"url": "https://example.com/a"})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_sign_in_and_out(client: FlaskClient):
    set_up_admin(client)
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    assert "Sign in" in client.get("/").get_data(as_text=True)
    form = client.get("/login").get_data(as_text=True)
    wrong = client.post(
        "/login", data={"username": "admin", "password": "nope nope", "csrf_token": token_in(form)}
    )
    assert "Wrong user name or password" in wrong.get_data(as_text=True)
    right = client.post(
        "/login", data={"username": "admin", "password": "correct horse", "csrf_token": token_in(form)}
    )
    assert right.status_code == 302


def test_adding_through_the_form_then_checking_shows_the_history(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    url = site.serve("/a", article_page("Budget approved", story()))
    added = add_through_form(client, url)
    article_path = added.headers["Location"]
    page = client.get(article_path).get_data(as_text=True)
    assert "No version yet" in page

    client.post(f"{article_path}/check", data={"csrf_token": token_in(page)})

    history = client.get(article_path).get_data(as_text=True)
    assert "Version 1" in history and ">first<" in history
    listing = client.get("/").get_data(as_text=True)
    assert "Budget approved" in listing and "127.0.0.1" in listing


def test_a_bad_url_in_the_form_is_explained(client: FlaskClient):
    set_up_admin(client)
    response = add_through_form(client, "javascript:alert(1)")
    assert "only http:// and https:// addresses" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_a_check_error_is_shown_with_its_code_and_message(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    article_path = add_through_form(client, site.serve("/a", "no", status=404)).headers["Location"]
    client.post(
        f"{article_path}/check",
        data={"csrf_token": token_in(client.get(article_path).get_data(as_text=True))},
    )
    page = client.get(article_path).get_data(as_text=True)
    assert "<code>http_404</code>" in page and "404 Not Found" in page


def test_article_text_is_escaped_everywhere(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    hostile = [
        "<script>alert(1)</script> is how the attack began, investigators said on Monday morning.",
        "<img src=x onerror=alert(2)> was found in the comments of the site later that week.",
    ]
    html = article_page("<b>Headline</b>", [*story(), *[text.replace("<", "&lt;") for text in hostile]])
    article_path = add_through_form(client, site.serve("/a", html)).headers["Location"]
    client.post(
        f"{article_path}/check",
        data={"csrf_token": token_in(client.get(article_path).get_data(as_text=True))},
    )
    for path in (
        article_path,
        f"{article_path}/versions/1",
        f"{article_path}/diff?from=0&to=1&view=side",
        f"{article_path}/diff?from=0&to=1&view=inline",
        f"{article_path}/versions/1/snapshot",
        "/changes",
        "/",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>Headline" not in page, path


def test_pages_carry_a_strict_content_security_policy(client: FlaskClient):
    headers = client.get("/setup").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
