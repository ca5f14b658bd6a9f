"""The passage index: Chroma (local persistent directory, or a Chroma server) through chromadb's client.

`PolicyIndex` reads and writes it (`core`), `writer` holds the protocol that keeps it whole when several
processes ingest, remove and read at once, `encode` the batched encoding of new passages, `report`
what an ingest did per file, `client` the Chroma client.
"""

from assistant.index.client import PASSAGES as _PASSAGES  # noqa: F401 - used by benchmarks
from assistant.index.client import make_client
from assistant.index.core import Live, PolicyIndex
from assistant.index.encode import Progress
from assistant.index.report import FileReport, IngestReport

_Live = Live  # the name tests and benchmarks use

__all__ = ["PolicyIndex", "IngestReport", "FileReport", "Live", "Progress", "make_client"]
