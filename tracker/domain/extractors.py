"""Importing this module readies the reading processes' fork server (tracker.engine.readers), which
runs no code of ours but the imports it is given: it loads trafilatura, the extractor of nearly
every page, so that each reading process starts with it; and it spares the server, as it exits,
its last walk over every object it loaded (some 0.03 s; tracker.cli.skip_last_collection does
the same for a command): the server holds the command's output open until it is gone, so a caller
reading that output waits for it. Reading processes leave by os._exit, running no exit handler."""

import atexit
import gc

from tracker.domain.extract import load_extractors

load_extractors()
atexit.register(gc.freeze)
