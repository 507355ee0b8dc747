"""Article URLs: validate what users submit and normalise it so one article is tracked once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from tracker.domain.addresses import is_loopback_name, literal_address, refusal_reason
from tracker.domain.errors import InvalidInput

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that only say where a reader came from; the article is the same without them.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "cmpid",
        "ocid",
        "ncid",
        "sr_share",
        "__twitter_impression",
        "s_cid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# Lone surrogates: invalid UTF-8 that reached us as text (JSON "\udcff"); no URL can carry them.
NEVER_IN_URLS = re.compile(r"[\x00-\x20\x7f\ud800-\udfff]")
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
HOST_NAME = re.compile(r"[a-z0-9._-]+")
# DNS limits (RFC 1035): longer names can never resolve, and resolvers treat them inconsistently.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63


def submitted_url(raw: str, *, allow_private: bool) -> str:
    """Return the normalised form of a URL a user submitted; raise InvalidInput (bad_url, blocked_address)."""
    url = normalize_url(raw)
    host = urlsplit(url).hostname or ""
    address = literal_address(host)
    reason = (
        refusal_reason(address) if address is not None else ("loopback" if is_loopback_name(host) else None)
    )
    if reason and not allow_private:
        raise InvalidInput(
            f"{host} is a {reason} address; the tracker only fetches public addresses",
            code="blocked_address",
        )
    return url


def endpoint_url(raw: str, *, allow_private: bool) -> str:
    """Return a webhook URL as given (stripped), once checked like a submitted article URL."""
    submitted_url(raw, allow_private=allow_private)
    return raw.strip()


def normalize_url(raw: str) -> str:
    """Return the canonical spelling of an http(s) URL; raise InvalidInput(bad_url) for anything else.

    Lower-cased scheme and host, IDNA host, no default port, no fragment, tracking parameters
    removed and the rest sorted, so the same article reached by two links is one URL.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > MAX_URL_LENGTH or NEVER_IN_URLS.search(text):
        raise bad_url(raw, "give a full address such as https://example.com/news/story")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise bad_url(raw, str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise bad_url(raw, "only http:// and https:// addresses can be tracked")
    if parts.username is not None or parts.password is not None:
        raise bad_url(raw, "remove the user name and password from the address")
    host = normalize_host(parts.hostname or "", raw)
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=PATH_SAFE)
    return urlunsplit((scheme, netloc, path, clean_query(parts.query), ""))


def normalize_host(host: str, raw: str) -> str:
    """Return the host lower-cased and IDNA-encoded, IPv6 literals bracketed."""
    host = host.rstrip(".").lower()
    if not host:
        raise bad_url(raw, "the address has no host name")
    if ":" in host:
        return f"[{host}]"
    if "%" in host:
        # A percent-encoded host (http://%31%32%37.0.0.1/) is no DNS name, and urllib3 decodes it
        # to the address it hides: refuse it here rather than classify one spelling and fetch another.
        raise bad_url(raw, "the host name must not be percent-encoded")
    try:
        host = host.encode("idna").decode("ascii").rstrip(".")
    except UnicodeError:
        raise bad_url(raw, "the host name is not a valid domain name") from None
    # IDNA maps look-alikes to ASCII ("［" to "[", "．" to "."): what comes out must still be a name.
    if not HOST_NAME.fullmatch(host):
        raise bad_url(raw, "the host name is not a valid domain name")
    if len(host) > MAX_HOST_LENGTH or any(len(label) > MAX_LABEL_LENGTH for label in host.split(".")):
        raise bad_url(raw, "the host name is too long (at most 253 characters, 63 between dots)")
    return host


def clean_query(query: str) -> str:
    """Return the query without tracking parameters, the rest sorted."""
    pairs = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlencode(sorted(pairs))


def host_of(url: str) -> str:
    """Return the host name of a normalised URL."""
    return urlsplit(url).hostname or ""


def bad_url(raw: object, why: str) -> InvalidInput:
    shown = raw if isinstance(raw, str) and len(raw) <= 200 else f"{str(raw)[:200]}..."
    return InvalidInput(f"not a trackable URL ({shown!r}): {why}", code="bad_url")


SITE_PREFIXES = ("www.", "m.", "mobile.", "amp.")
AMP_QUERY = frozenset({"amp", "outputtype", "output"})


def site_of(url: str) -> str:
    """Return the host without the www., m., mobile. or amp. that sites put before their name."""
    host = host_of(url)
    for prefix in SITE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def own_site_url(href: str | None, *, page_url: str, site_url: str) -> str | None:
    """Return a URL a page names for itself (its rel=canonical), resolved against the page's address
    and normalised, when it is http(s) on site_url's site (www., m., amp. twins included); else None.

    Whatever else a page says (javascript:, data:, another site) is ignored: stored, it would reach
    API and webhook readers as a link, and match another site's articles as their canonical.
    """
    if not href:
        return None
    try:
        url = normalize_url(urljoin(page_url, href.strip()))
    except (InvalidInput, ValueError):  # ValueError: urljoin on a broken IPv6 literal
        return None
    # Percent-encoding can lengthen it past the column, which would refuse the whole version.
    return url if site_of(url) == site_of(site_url) and len(url) <= MAX_URL_LENGTH else None


def web_address(href: str | None, *, base: str | None) -> str | None:
    """Return href resolved against base when it is an http(s) address with a host, as it is
    (a lead image's signed CDN address must not be normalised); anything else (javascript:, data:,
    a bare path on a page of unknown address) is None."""
    if not href:
        return None
    try:
        resolved = urljoin(base or "", href.strip())
        parts = urlsplit(resolved)
    except ValueError:  # a broken IPv6 literal
        return None
    return resolved if parts.scheme in ("http", "https") and parts.hostname else None


def url_variants(url: str) -> set[str]:
    """Return the URL and the spellings of the same article a site may also serve: the page without
    its AMP marker, and on the www, bare and mobile hosts."""
    parts = urlsplit(url)
    path = parts.path
    for marker in ("/amp/", "/amp"):
        if path.endswith(marker) and len(path) > len(marker):
            path = path[: -len(marker)] or "/"
    path = path.replace(".amp.html", ".html")
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not (key.lower() in AMP_QUERY and value.lower() in ("", "1", "amp", "true"))
        ]
    )
    site = site_of(url)
    netloc_port = f":{parts.port}" if parts.port else ""
    hosts = {host_of(url), site, f"www.{site}", f"m.{site}"}
    return {url} | {urlunsplit((parts.scheme, host + netloc_port, path, query, "")) for host in hosts}
