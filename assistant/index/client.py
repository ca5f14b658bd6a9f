"""The Chroma client: a persistent local directory, or a Chroma server."""

from __future__ import annotations

from assistant.errors import IndexUnavailableError

__all__ = ["make_client", "PASSAGES", "SENTENCES", "DOCUMENTS"]

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
