"""Shared helpers for the reliability, security and load tests (issue 10).

- `run_cli` / `run_cli_batch`: the real `assistant` entry point in a subprocess (argv may be bytes, to
  pass invalid UTF-8), several at once to keep the wall time down.
- `copy_home`: a private copy of the session's ingested index, for tests that write to it.
- `manifest` / `db_counts`: snapshots to prove that a failed command changed nothing.
- `HashEmbedder`: a deterministic stand-in for e5 (no model load), importable by subprocesses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "from assistant.cli.app import main; main()"
_MODEL_DIR = Path(os.environ.get("ASSISTANT_TEST_MODEL_DIR", ROOT / ".assistant" / "test-models"))


@dataclass
class CliResult:
    args: tuple
    returncode: int
    stdout: str
    stderr: str


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for the CLI: no ASSISTANT_/CHROMA_/OPENAI_ variables but the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_", "OPENAI_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        ASSISTANT_HOME=str(home),
        ASSISTANT_MODEL_DIR=str(_MODEL_DIR),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        COLUMNS="400",
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def run_cli(args, env: dict[str, str], stdin: bytes | None = None, timeout: float = 120) -> CliResult:
    """`python -c 'from assistant.cli.app import main; main()' ARGS` (args: str or bytes; stdin: bytes)."""
    argv = [os.fsencode(sys.executable), b"-c", ENTRY.encode()] + [
        a if isinstance(a, bytes) else os.fsencode(str(a)) for a in args
    ]
    proc = subprocess.run(
        argv,
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=timeout,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    return CliResult(
        tuple(args),
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def run_cli_batch(cases: dict[str, tuple], workers: int = 3) -> dict[str, CliResult]:
    """Run several CLI invocations concurrently: {name: (args, env[, stdin])} -> {name: result}."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(run_cli, *case) for name, case in cases.items()}
        return {name: f.result() for name, f in futures.items()}


def copy_home(src: Path, dst: Path) -> Path:
    """A private ASSISTANT_HOME holding a copy of `src`'s index (not its databases)."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src / "chroma", dst / "chroma")
    return dst


def manifest(index) -> list[tuple[str, str, str, int]]:
    """The index manifest as comparable tuples: (source, hash, authority, passages) plus the generation."""
    docs = [(d["source"], d["hash"], d["authority"], d["passages"]) for d in index.documents()]
    return docs + [("__generation__", index.generation(), "", 0)]


def db_counts(url: str) -> dict[str, int]:
    """Row count of every table of a review database."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                for t in sorted(inspect(conn).get_table_names())
            }
    finally:
        engine.dispose()


class HashEmbedder:
    """Deterministic unit vectors from a text's SHA-256: equal texts, equal vectors; no model, no torch."""

    dim = 384

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)


def no_traceback(result: CliResult) -> bool:
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout
