"""The article revision tracker, in layers: each package imports only those below it.

`domain` (pure: extraction, noise, diffs, labels) < `adapters` (database, network, browser) <
`services` (one use case per module, inside one transaction) < `engine` (poller, deliverer, feed
poller, worker) < `web` and `cli`; `factory.create_app` wires them. Importing this package loads
nothing, so a process pays only for the layers it runs. The contracts live in `.importlinter`.
"""
