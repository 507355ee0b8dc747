"""Guarded HTTP with requests, for everything but article pages: the resources of pages rendered
in a browser, webhooks, feeds. Every connection, redirect hops included, goes to the address the
guard pinned (no DNS-rebinding window); environment proxies are ignored (they would connect for us).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from tracker.adapters.fetch import FetchLimits, fetch_error_from, host_and_port, read_capped, wrapped_error
from tracker.adapters.netguard import AddressGuard
from tracker.domain.errors import FetchError


class GuardedAdapter(HTTPAdapter):
    """Connects to the address the guard pins, keeping the name for Host, SNI and certificates.

    Modelled on requests-hardened's IPFilterAdapter, with our guard (injectable resolver,
    RFC 6761 localhost names, the blocked_address code) in place of its fixed filter.
    """

    def __init__(self, guard: AddressGuard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.guard = guard

    def build_connection_pool_key_attributes(  # type: ignore[override]
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params: dict[str, Any]
        pool_kwargs: dict[str, Any]
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)  # type: ignore[assignment]
        host, port, scheme = host_params["host"], host_params["port"], host_params["scheme"]
        address = self.guard.pin(host, port or (443 if scheme == "https" else 80))
        # Copy: the headers object may be shared with other requests.
        request.headers = CaseInsensitiveDict(request.headers or {})
        name = f"[{host}]" if ":" in host else host
        request.headers["Host"] = f"{name}:{port}" if port else name
        if scheme == "https":
            pool_kwargs["assert_hostname"] = host
            pool_kwargs["server_hostname"] = host
        host_params["host"] = str(address)
        return host_params, pool_kwargs


class RedirectRefused(requests.RequestException):
    """A send that must reach one address was answered with a redirect; it is never followed."""


class SingleHopAdapter(GuardedAdapter):
    """A GuardedAdapter for code we do not control (Apprise's plugins): a 3xx answer raises
    RedirectRefused here, below the caller, so neither the caller's `allow_redirects` nor
    requests' redirect loop can follow it. Remembers why it refused, for the delivery log."""

    def __init__(self, guard: AddressGuard, **kwargs: Any) -> None:
        super().__init__(guard, **kwargs)
        self.refusals: list[FetchError] = []

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        try:
            # No proxies: the caller's Session trusts the environment, and a proxy would connect
            # for us, past the guard (make_http's sessions set trust_env off for the same reason).
            response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert)
        except FetchError as error:  # the guard refused the host: callers only catch requests' errors
            self.refusals.append(error)
            raise requests.ConnectionError(error.message, request=request) from error
        if 300 <= response.status_code < 400:
            response.close()
            refusal = FetchError(
                f"the channel answered {response.status_code} (a redirect); redirects are never followed",
                code="redirect_refused",
            )
            self.refusals.append(refusal)
            raise RedirectRefused(refusal.message, request=request, response=response)
        return response


def make_http(user_agent: str, guard: AddressGuard, *, pool_size: int = 16) -> requests.Session:
    """Return a pooled HTTP session whose every connection, redirects included, passes the guard."""
    http = requests.Session()
    http.trust_env = False  # an environment proxy would connect on our behalf, past the guard
    http.max_redirects = 5
    http.headers["User-Agent"] = user_agent
    adapter = GuardedAdapter(guard, pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


@dataclass(frozen=True, slots=True)
class Resource:
    """One response as the server sent it (body decompressed), for the browser that renders pages."""

    status: int
    headers: dict[str, str]
    body: bytes


def fetch_resource(
    http: requests.Session,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    *,
    limits: FetchLimits,
) -> Resource:
    """Return one response without following redirects (the browser follows them, each through here)."""
    started = time.monotonic()
    try:
        with http.request(
            method,
            url,
            headers=headers,
            data=body,
            stream=True,
            allow_redirects=False,
            timeout=(limits.connect_timeout, limits.read_timeout),
        ) as response:
            # The urllib3 response underneath: iter_content's reads wait for a whole chunk, so a
            # server trickling bytes would hold them past the deadline.
            content = read_capped(response.raw, limits, started)
            kept = {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            }
            return Resource(response.status_code, kept, content)
    except requests.RequestException as exc:
        raise request_error(exc, url) from exc


def request_error(exc: requests.RequestException, url: str) -> FetchError:
    """Return the FetchError (with its outcome code) for a requests exception: the urllib3 error it
    wraps is named by tracker.adapters.fetch, as an article fetch's would be."""
    if isinstance(exc, requests.TooManyRedirects):
        return FetchError("more than 5 redirects (a redirect loop?)", code="too_many_redirects")
    if isinstance(
        exc,
        requests.exceptions.InvalidURL
        | requests.exceptions.InvalidSchema
        | requests.exceptions.MissingSchema,
    ):
        return FetchError(f"cannot fetch {url}: {exc}", code="bad_url")
    cause = wrapped_error(exc)
    if cause is not None:
        return fetch_error_from(cause, url)
    return FetchError(
        f"the answer of {host_and_port(url)} could not be read ({type(exc).__name__})", code="bad_response"
    )
