"""The Chroma client (a persistent local directory, or a Chroma server) and the LangChain embeddings
adapter over our embedder."""

from __future__ import annotations

from assistant.errors import IndexUnavailableError

__all__ = ["make_client", "LCEmbeddings", "PASSAGES", "SENTENCES", "DOCUMENTS"]

PASSAGES, SENTENCES, DOCUMENTS = "la_passages", "la_sentences", "la_documents"


def make_client(settings):
    """A Chroma client: an HTTP client when CHROMA_HOST is set, else a persistent local directory."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:
            raise IndexUnavailableError(
                f"The Chroma server at {settings.chroma_host}:{settings.chroma_port} cannot be reached "
                f"(CHROMA_HOST / CHROMA_PORT): {type(exc).__name__}."
            ) from None
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:
        raise IndexUnavailableError(
            f"The index folder {settings.chroma_dir} cannot be opened (ASSISTANT_HOME): {exc}"
        ) from None


class LCEmbeddings:
    """LangChain `Embeddings` over our e5 embedder (passage/query prefixes)."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode_queries([text])[0].tolist()
