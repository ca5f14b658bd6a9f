"""Load policy documents and split them into citable passages with their section paths.

One reader per format turns a file into blocks in reading order (`markdown`: Markdown and text; `pdf`:
pypdf with page furniture dropped and paragraphs rebuilt; `word`: DOCX with headings, numbered lists
and table rows; `web`: the main content of an HTML page), and `split` turns blocks into passages.
"""

from assistant.corpus.load import SUPPORTED_SUFFIXES, iter_documents, load_document, load_passages
from assistant.corpus.model import SPLIT_VERSION, Block, Document, Passage, clean, content_hash
from assistant.corpus.split import split_document

__all__ = [
    "Passage",
    "Document",
    "Block",
    "SUPPORTED_SUFFIXES",
    "SPLIT_VERSION",
    "load_document",
    "split_document",
    "load_passages",
    "iter_documents",
    "content_hash",
    "clean",
]
