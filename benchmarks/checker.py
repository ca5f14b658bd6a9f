"""Rule checker throughput (drafts/s) over the labelled eval drafts, and proof that it loads no model.

The checker parses each draft from its JSON dict (as `assistant check` does) and runs every rule.
The baseline in the same run is parsing alone (`parse_draft`), so the ratio shows what the rules
cost on top of validation. A fresh interpreter then checks every draft, once through the library
and once through `assistant check --json`, and reports whether torch, transformers, chromadb or the
sentence-transformers package were imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, Mode, Result, heavy_imports_ratio, percentile, worker_env

NAME = "checker"
TITLE = "Checker: drafts checked per second (no model import)"
DRAFTS = ROOT / "evals" / "drafts.json"
HEAVY = ("torch", "transformers", "sentence_transformers", "chromadb", "langchain_chroma")

_LIBRARY_PROBE = f"""
import json, sys
from assistant.checker import check_result
drafts = [d["draft"] for d in json.load(open(sys.argv[1], encoding="utf-8"))]
passed = sum(check_result(f"d{{i}}", d).passed for i, d in enumerate(drafts))
print(json.dumps({{"checked": len(drafts), "passed": passed,
                   "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""

_CLI_PROBE = f"""
import atexit, json, sys
atexit.register(lambda: print(json.dumps({{"heavy": [m for m in {HEAVY!r} if m in sys.modules]}}), file=sys.stderr))
sys.argv = ["assistant", "check", *sys.argv[1:], "--json"]
from assistant.cli.app import main
main()
"""


def _timed_loop(fn, drafts: list[dict], seconds: float) -> tuple[float, list[float]]:
    """Call fn on the drafts round-robin for about `seconds`; returns (calls per second, per-call times)."""
    times: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i, draft in enumerate(drafts):
            t = time.perf_counter()
            fn(f"d{i}.json", draft)
            times.append(time.perf_counter() - t)
    return len(times) / (time.perf_counter() - start), times


def _probe(script: str, args: list[str], *, result_on_stderr: bool = False) -> tuple[dict, float, int, str]:
    """Run `script` in a fresh interpreter; its JSON result line is on stdout (or stderr, for the CLI
    probe whose stdout is the `check --json` output). Returns (result, seconds, exit code, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=worker_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    seconds = time.perf_counter() - start
    stream = proc.stderr if result_on_stderr else proc.stdout
    line = [ln for ln in stream.strip().splitlines() if ln.startswith("{")][-1:]
    if not line:
        raise RuntimeError(f"checker probe printed no result ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return json.loads(line[0]), seconds, proc.returncode, proc.stdout


def run(mode: Mode) -> Result:
    from assistant.checker import check_result
    from assistant.proposal import parse_draft

    drafts = [case["draft"] for case in json.loads(DRAFTS.read_text(encoding="utf-8"))]
    for i, draft in enumerate(drafts):  # warm-up: the policy passages the rules quote are read once
        check_result(f"d{i}.json", draft)
    seconds = 0.5 if mode.quick else 3.0
    parse_rate, _ = _timed_loop(lambda _f, d: parse_draft(d), drafts, seconds / 3)
    check_rate, times = _timed_loop(check_result, drafts, seconds)

    lib, lib_s, _, _ = _probe(_LIBRARY_PROBE, [str(DRAFTS)])
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        files = []
        for i, draft in enumerate(drafts[: 3 if mode.quick else 10]):
            path = Path(tmp) / f"draft{i}.json"
            path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
            files.append(str(path))
        cli, cli_s, cli_rc, cli_out = _probe(_CLI_PROBE, files, result_on_stderr=True)
    if cli_rc not in (0, 1) or cli_out.count('"file"') != len(files):
        raise RuntimeError(f"`assistant check --json` did not report {len(files)} drafts (exit {cli_rc})")

    result = Result(NAME, TITLE, ["step", "drafts/s", "p50 ms", "p95 ms", "heavy imports", "process s"])
    result.rows = [
        [
            "check_result (parse + all rules)",
            check_rate,
            percentile(times, 50) * 1e3,
            percentile(times, 95) * 1e3,
            "",
            float("nan"),
        ],
        ["parse_draft only (baseline)", parse_rate, 1e3 / parse_rate, float("nan"), "", float("nan")],
        [
            f"fresh process, library, {lib['checked']} drafts",
            float("nan"),
            float("nan"),
            float("nan"),
            ", ".join(lib["heavy"]) or "none",
            lib_s,
        ],
        [
            f"fresh process, `assistant check` x{len(files)} (exit {cli_rc})",
            float("nan"),
            float("nan"),
            float("nan"),
            ", ".join(cli["heavy"]) or "none",
            cli_s,
        ],
    ]
    result.ratio(
        "checker drafts/s / 1,000",
        check_rate / 1000,
        "target rate 1,000 drafts/s",
        ">= 1",
        check_rate >= 1000,
    )
    result.ratio("check / parse-only time per draft", parse_rate / check_rate, "parse_draft alone")
    heavy_imports_ratio(result, "check", lib, cli)
    result.data = {
        "drafts": len(drafts),
        "drafts_per_s": check_rate,
        "parse_per_s": parse_rate,
        "library_heavy": lib["heavy"],
        "cli_heavy": cli["heavy"],
        "cli_exit": cli_rc,
        "library_passed": lib["passed"],
    }
    result.params = {"loop_seconds": seconds}
    return result
