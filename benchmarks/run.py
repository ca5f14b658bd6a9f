"""Run the benchmarks: `python -m benchmarks.run [--quick | --full] [--only NAME[,NAME]] [--results DIR]`.

Each benchmark prints a table with its ratios against the baseline measured in the same run and
writes `benchmarks/results/NAME.json`; `benchmarks/results/summary.json` collects every ratio.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path

from .common import RESULTS_DIR, Mode, write_result

__all__ = ["BENCHMARKS", "main", "run_benchmarks"]

# name -> module; the order is the order of a full run (cheap ones first)
BENCHMARKS = {
    "checker": "benchmarks.checker",
    "scan": "benchmarks.scan",
    "ask": "benchmarks.ask_latency",
    "ingest": "benchmarks.ingest",
    "scale": "benchmarks.scale",
    "cold_start": "benchmarks.cold_start",
    "engines": "benchmarks.engines",
    "review_db": "benchmarks.review_db",
}


def _isolate_environment() -> None:
    """Benchmarks define their own homes and stores: a user's CHROMA_HOST must not redirect them."""
    keep = os.environ.get("ASSISTANT_MODEL_DIR")
    for key in list(os.environ):
        if key.startswith(("ASSISTANT_", "CHROMA_")):
            del os.environ[key]
    if keep:
        os.environ["ASSISTANT_MODEL_DIR"] = keep
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


def run_benchmarks(names: list[str], mode: Mode, results_dir: Path = RESULTS_DIR, out=print) -> dict:
    """Run the named benchmarks in order, print their tables, write their JSON; returns the summary."""
    saved = dict(os.environ)
    _isolate_environment()
    summary: dict = {"mode": mode.name, "benchmarks": {}}
    try:
        for name in names:
            module = importlib.import_module(BENCHMARKS[name])
            started = time.perf_counter()
            result = module.run(mode)
            seconds = time.perf_counter() - started
            path = write_result(result, mode, seconds, results_dir)
            out(result.render())
            out(f"  ({seconds:.0f} s; results in {path})\n")
            summary["benchmarks"][name] = {"seconds": round(seconds, 1), "ratios": result.ratios}
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if len(names) > 1:
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--quick", action="store_true", help="tiny sizes: a smoke run in well under a minute each"
    )
    size.add_argument(
        "--full",
        action="store_true",
        help="also 10k/50k passages (ingest with the real model takes most of an hour on 2 cores)",
    )
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where the JSON results go")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; valid: {', '.join(BENCHMARKS)}")
    started = time.perf_counter()
    summary = run_benchmarks(names, Mode(quick=args.quick, full=args.full), args.results)
    missed = [
        f"{name}: {key}"
        for name, b in summary["benchmarks"].items()
        for key, r in b["ratios"].items()
        if r["ok"] is False
    ]
    print(
        f"done in {time.perf_counter() - started:.0f} s; "
        + (f"targets missed: {'; '.join(missed)}" if missed else "all targets met")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
