"""Importing this module loads trafilatura, the extractor of nearly every page: the reading
processes' fork server preloads it, so that each reading process starts with it
(tracker.engine.readers). A fork server runs no code of ours but the imports it is given."""

from tracker.domain.extract import load_extractors

load_extractors()
