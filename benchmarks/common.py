"""Shared helpers: settings, timing, tables, results files, memory, a Chroma server, fast embedders."""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.embeddings.fake import HashEmbedder

__all__ = [
    "ROOT",
    "RESULTS_DIR",
    "Mode",
    "Result",
    "ChromaServer",
    "HashEmbedder",
    "TimedEmbedder",
    "bench_settings",
    "model_dir",
    "percentile",
    "format_table",
    "write_result",
    "peak_rss_mb",
    "current_rss_mb",
    "process_hwm_mb",
    "free_port",
    "stop_process",
    "streamlit_command",
    "streamlit_healthy",
    "worker_env",
    "run_worker",
]

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Mode:
    """How big a run is: `quick` (smoke, seconds), default (a few minutes), `full` (large sizes)."""

    quick: bool = False
    full: bool = False

    @property
    def name(self) -> str:
        return "quick" if self.quick else "full" if self.full else "default"


@dataclass
class Result:
    """One benchmark's outcome: a table, the ratios against its baselines, and notes."""

    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    ratios: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def ratio(
        self, key: str, value: float | None, baseline: str, target: str | None = None, ok: bool | None = None
    ) -> None:
        """Record `value` (a ratio against `baseline`) with its target and whether it is met."""
        self.ratios[key] = {
            "value": None if value is None else round(float(value), 4),
            "baseline": baseline,
            "target": target,
            "ok": ok,
        }

    def render(self) -> str:
        lines = [f"== {self.title} ==", format_table(self.columns, self.rows)]
        if self.ratios:
            lines.append("")
            width = max(len(k) for k in self.ratios)
            for key, r in self.ratios.items():
                verdict = "" if r["ok"] is None else ("  OK" if r["ok"] else "  MISSED")
                value = "n/a" if r["value"] is None else f"{r['value']:.3g}"
                target = f"  (target {r['target']})" if r["target"] else ""
                lines.append(f"  {key:<{width}}  {value:>8}  vs {r['baseline']}{target}{verdict}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def heavy_imports_ratio(result: Result, what: str, lib: dict, cli: dict) -> None:
    """Add the ratio 'heavy modules imported by <what>' (target 0) from the `heavy` lists of an
    in-process run (`lib`) and a fresh CLI process (`cli`)."""
    heavy = set(lib["heavy"]) | set(cli["heavy"])
    result.ratio(
        f"heavy modules imported by {what}",
        float(len(heavy)),
        "torch/transformers/chromadb must not load",
        "0",
        not heavy,
    )


def model_dir() -> Path:
    """Where the provisioned embedding model lives (ASSISTANT_MODEL_DIR, else .assistant/models)."""
    return Path(os.environ.get("ASSISTANT_MODEL_DIR") or ROOT / ".assistant" / "models")


def bench_settings(home: Path, **overrides):
    """Settings for a benchmark home; the model folder is shared so it is provisioned only once."""
    from assistant.config import load_settings

    return load_settings(home=Path(home), model_dir=model_dir(), **overrides)


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def _cell(value) -> str:
    if isinstance(value, float):
        if value != value:  # nan
            return "-"
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def format_table(columns: list[str], rows: list[list]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(parts):
        return "  ".join(
            p.ljust(w) if i == 0 else p.rjust(w) for i, (p, w) in enumerate(zip(parts, widths, strict=True))
        )

    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells])


def _machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def write_result(result: Result, mode: Mode, seconds: float, directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{result.name}.json"
    payload = {
        "mode": mode.name,
        "seconds": round(seconds, 2),
        "machine": _machine(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **asdict(result),
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- memory and processes


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB), without psutil (not a dependency).

    VmHWM, not `ru_maxrss`: on Linux a forked child's ru_maxrss keeps the parent's peak across exec,
    so a worker started from a big benchmark process would report the parent's memory."""
    hwm = process_hwm_mb(os.getpid())
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_hwm_mb(pid: int, field: str = "VmHWM") -> float | None:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process in MB, Linux only."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def current_rss_mb() -> float | None:
    return process_hwm_mb(os.getpid(), "VmRSS")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a child server, killing it when it has not exited within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def streamlit_command(port: int) -> list[str]:
    """`streamlit run streamlit_app.py`, headless on 127.0.0.1:PORT, no file watcher, no usage stats."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def streamlit_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def worker_env(**extra: str) -> dict:
    """Environment for a child process: offline, our package importable, no user Chroma/assistant settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        ASSISTANT_MODEL_DIR=str(model_dir()),
    )
    env.update(extra)
    return env


def run_worker(module: str, spec: dict, timeout: float = 1800) -> dict:
    """Run `python -m MODULE --worker JSON` in a fresh process; its last stdout line is a JSON result."""
    proc = subprocess.run(
        [sys.executable, "-m", module, "--worker", json.dumps(spec)],
        cwd=ROOT,
        env=worker_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} worker failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port N` as a child process, for as long as the `with` lasts."""

    def __init__(self, path: Path, port: int | None = None, startup_timeout: float = 30.0) -> None:
        self.path, self.port, self.startup_timeout = Path(path), port or free_port(), startup_timeout
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> ChromaServer:
        chroma = Path(sys.executable).parent / "chroma"
        self.path.mkdir(parents=True, exist_ok=True)
        self._log = open(self.path.parent / f"chroma-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}; see {self._log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(
            f"chroma run did not answer on port {self.port} within {self.startup_timeout:.0f} s"
        )

    def __exit__(self, *exc) -> None:
        if self.proc:
            stop_process(self.proc)
        self._log.close()

    def peak_rss_mb(self) -> float | None:
        return process_hwm_mb(self.proc.pid) if self.proc else None


# --------------------------------------------------------------------------- embedders

# HashEmbedder: the package's fake (`assistant/embeddings/fake.py`), a fast deterministic stand-in for
# e5 in the scale benchmarks (index and search costs do not depend on what the vectors mean).


class TimedEmbedder:
    """Wraps an embedder and accounts the time and number of texts of every encode call."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.calls: list[tuple[int, float]] = []
        self.texts_seen: list[str] = []
        if not hasattr(inner, "encode_passages_with_spans"):
            self.encode_passages_with_spans = None  # the index then encodes sentences on their own

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _timed(self, fn, texts):
        self.texts_seen += list(texts)
        start = time.perf_counter()
        out = fn(texts)
        self.calls.append((len(texts), time.perf_counter() - start))
        return out

    def encode_passages(self, texts):
        return self._timed(self.inner.encode_passages, texts)

    def encode_queries(self, texts):
        return self._timed(self.inner.encode_queries, texts)

    def encode_passages_with_spans(self, texts, spans):
        return self._timed(lambda t: self.inner.encode_passages_with_spans(t, spans), texts)

    @property
    def seconds(self) -> float:
        return sum(s for _, s in self.calls)

    @property
    def texts(self) -> int:
        return sum(n for n, _ in self.calls)
