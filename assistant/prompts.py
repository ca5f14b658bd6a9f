"""Prompt templates from `prompts/NAME.LANG.md`, loaded by name."""

from __future__ import annotations

from functools import lru_cache

from assistant.config import PACKAGE_ROOT
from assistant.errors import ConfigError

__all__ = ["load_prompt", "PROMPTS_DIR"]

PROMPTS_DIR = PACKAGE_ROOT / "prompts"


@lru_cache(maxsize=32)
def load_prompt(name: str, lang: str = "en") -> str:
    """The template text of prompt `name` in `lang` (falls back to English)."""
    for candidate in (PROMPTS_DIR / f"{name}.{lang}.md", PROMPTS_DIR / f"{name}.en.md"):
        if candidate.exists():
            return candidate.read_text(encoding="utf-8").strip()
    raise ConfigError(f"prompt '{name}' not found in {PROMPTS_DIR}")
