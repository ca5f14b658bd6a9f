"""Privacy scan throughput (drafts/s) over the labelled eval drafts, and proof that it loads no model.

`scan_result` parses each draft from its JSON dict (as `assistant scan` does), answers every item,
computes the DPIA verdict and the AI Act class, and embeds the rule checker's findings. The baseline
in the same run is `check_result` on the same drafts (the scan includes it), so the ratio shows what
the scan costs on top of the checker; the scan without the checker's findings is measured too. A
fresh interpreter then scans every draft, once through the library and once through
`assistant scan --json`, and reports whether torch, transformers, chromadb or sentence-transformers
were imported.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .checker import DRAFTS, HEAVY, _probe, _timed_loop
from .common import Mode, Result, heavy_imports_ratio, percentile

NAME = "scan"
TITLE = "Privacy scan: drafts scanned per second (no model import)"

_LIBRARY_PROBE = f"""
import json, sys
from assistant.scan import scan_result
drafts = [d["draft"] for d in json.load(open(sys.argv[1], encoding="utf-8"))]
verdicts = [scan_result(f"d{{i}}", d).verdict.dpia for i, d in enumerate(drafts)]
print(json.dumps({{"scanned": len(drafts), "verdicts": sorted(set(verdicts)),
                   "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""

_CLI_PROBE = f"""
import atexit, json, sys
atexit.register(lambda: print(json.dumps({{"heavy": [m for m in {HEAVY!r} if m in sys.modules]}}), file=sys.stderr))
sys.argv = ["assistant", "scan", *sys.argv[1:], "--json"]
from assistant.cli.app import main
main()
"""


def run(mode: Mode) -> Result:
    from assistant.checker import check_result
    from assistant.scan import scan_result

    drafts = [case["draft"] for case in json.loads(DRAFTS.read_text(encoding="utf-8"))]
    for i, draft in enumerate(drafts):  # warm-up: passages, reference and catalogues are read once
        scan_result(f"d{i}.json", draft)
    seconds = 0.5 if mode.quick else 3.0
    check_rate, check_times = _timed_loop(check_result, drafts, seconds / 2)
    scan_rate, times = _timed_loop(scan_result, drafts, seconds)
    own_rate, own_times = _timed_loop(lambda f, d: scan_result(f, d, principles=False), drafts, seconds / 2)

    lib, lib_s, _, _ = _probe(_LIBRARY_PROBE, [str(DRAFTS)])
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        files = []
        for i, draft in enumerate(drafts[: 3 if mode.quick else 10]):
            path = Path(tmp) / f"draft{i}.json"
            path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
            files.append(str(path))
        cli, cli_s, cli_rc, cli_out = _probe(_CLI_PROBE, files, result_on_stderr=True)
    if cli_rc != 0 or cli_out.count('"scan_version"') != len(files):
        raise RuntimeError(f"`assistant scan --json` did not report {len(files)} drafts (exit {cli_rc})")

    nan = float("nan")
    result = Result(NAME, TITLE, ["step", "drafts/s", "p50 ms", "p95 ms", "heavy imports", "process s"])
    result.rows = [
        ["scan_result (parse + scan + checker findings)", scan_rate, percentile(times, 50) * 1e3,
         percentile(times, 95) * 1e3, "", nan],
        ["scan_result, principles=False (the scan alone)", own_rate, percentile(own_times, 50) * 1e3,
         percentile(own_times, 95) * 1e3, "", nan],
        ["check_result (baseline, same run)", check_rate, percentile(check_times, 50) * 1e3,
         percentile(check_times, 95) * 1e3, "", nan],
        [f"fresh process, library, {lib['scanned']} drafts", nan, nan, nan, ", ".join(lib["heavy"]) or "none", lib_s],
        [f"fresh process, `assistant scan` x{len(files)} (exit {cli_rc})", nan, nan, nan,
         ", ".join(cli["heavy"]) or "none", cli_s],
    ]  # fmt: skip
    result.ratio(
        "scan drafts/s / 1,000", scan_rate / 1000, "target rate 1,000 drafts/s", ">= 1", scan_rate >= 1000
    )
    result.ratio("scan / check time per draft", check_rate / scan_rate, "check_result in the same run")
    result.ratio("scan alone / check time per draft", check_rate / own_rate, "check_result in the same run")
    result.ratio(  # medians: robust to the time slices a busy machine takes away (they inflate the means)
        "scan / check median time per draft",
        percentile(times, 50) / percentile(check_times, 50),
        "check_result in the same run, medians",
    )
    heavy_imports_ratio(result, "scan", lib, cli)
    result.data = {
        "drafts": len(drafts),
        "scan_per_s": scan_rate,
        "scan_alone_per_s": own_rate,
        "check_per_s": check_rate,
        "library_heavy": lib["heavy"],
        "cli_heavy": cli["heavy"],
        "verdicts": lib["verdicts"],
    }
    result.params = {"loop_seconds": seconds}
    return result
