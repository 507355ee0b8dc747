"""Answers that show a secret (a new API token, webhook secret or invite code, private feed keys)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

from flask import make_response
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

P = ParamSpec("P")


def no_store(view: Callable[P, ResponseReturnValue]) -> Callable[P, Response]:
    """Mark the view's answers `Cache-Control: no-store`: a secret shown once must not stay behind in
    a browser's cache (Back, a shared computer) or in a proxy's."""

    @functools.wraps(view)
    def answer(*args: P.args, **kwargs: P.kwargs) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return answer
