"""The long-running machinery: the poller, the deliverer, the feed poller and the worker that runs them."""
