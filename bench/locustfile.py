"""What bench/load.py asks locust to do: mostly API list reads, some article and diff pages.

Runs in locust's own virtualenv, so it imports nothing from the tracker; bench/load.py passes the
long article's id, its latest version number and an API token in the environment.
"""

import os
import random

from locust import FastHttpUser, task

ARTICLE = int(os.environ["BENCH_ARTICLE"])
LATEST = int(os.environ["BENCH_LATEST"])
AUTH = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}


class Reader(FastHttpUser):
    """A client with no think time: each user sends its next request as soon as one is answered."""

    @task(8)
    def api_list(self) -> None:
        self.client.get("/api/v1/articles", headers=AUTH, name="GET /api/v1/articles")

    @task(1)
    def article_page(self) -> None:
        self.client.get(f"/articles/{ARTICLE}", name="GET /articles/ID (1,000 versions)")

    @task(1)
    def diff_page(self) -> None:
        # Readers open recent changes: one of the 20 latest diffs, in its canonical URL (no redirect).
        to = random.randint(LATEST - 19, LATEST)
        self.client.get(
            f"/articles/{ARTICLE}/diff?from={to - 1}&to={to}&view=side", name="GET /articles/ID/diff"
        )
