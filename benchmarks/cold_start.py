"""Cold start: process start to first answer for `assistant ask --json`, and a fresh `Assistant`.

Runs, each a new process, on one home:
1. `ask` on an empty home: the first start (indexes the shipped corpus; the model folder is shared
   and already provisioned).
2. `ask` again, several times: the cold start a user sees on an indexed home (median).
3. Baselines: `python -c pass` (the interpreter), and a bare model process: import
   sentence-transformers, load the same model folder, encode one query (what no answer can avoid).
4. In-process stages of a fresh `Assistant` (imports, model load, index open + BM25 build, first and
   second answer), reported by a worker so the parent's warm caches do not leak in.
5. The app: `streamlit run streamlit_app.py` started on 127.0.0.1, a headless Chromium (launched
   before the clock starts) opens the Ask page, types the question and waits for the first citation
   card. Skipped, with a note, when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import (
    ROOT,
    Mode,
    Result,
    free_port,
    model_dir,
    peak_rss_mb,
    run_worker,
    stop_process,
    streamlit_command,
    streamlit_healthy,
    worker_env,
)

NAME = "cold_start"
TITLE = "Cold start: process start to first answer"
QUESTION = "Hoe lang mogen we de gegevens van studenten bewaren?"

_BARE = """
import sys
from sentence_transformers import SentenceTransformer
m = SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True)
m.encode(["query: " + sys.argv[2]], normalize_embeddings=True)
"""


def _timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]}... failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds, proc


CHROMIUM = Path("/usr/bin/chromium")


def _app_first_answer(env: dict, tmp: Path) -> dict:
    """Seconds from `streamlit run` to the server answering its health check, and to the first answer
    (a citation card) on the Ask page in a real headless Chromium."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app_env = env | {"ASSISTANT_DB_URL": f"sqlite:///{tmp / 'app.db'}"}
    cmd = streamlit_command(port)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(locale="en-GB").new_page()
        with open(tmp / "streamlit.log", "wb") as log:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=ROOT, env=app_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while not streamlit_healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start:\n{(tmp / 'streamlit.log').read_text()[-2000:]}"
                    )
                time.sleep(0.05)
            healthy = time.perf_counter() - start
            page.goto(f"{url}/?lang=en", timeout=120_000)
            chat = page.get_by_test_id("stChatInputTextArea")
            chat.wait_for(timeout=120_000)
            page_ready = time.perf_counter() - start
            chat.fill(QUESTION)
            chat.press("Enter")
            page.get_by_test_id("stExpander").filter(has_text="[1]").first.wait_for(timeout=180_000)
            answered = time.perf_counter() - start
        finally:
            browser.close()
            stop_process(proc)
    return {"healthy_s": healthy, "page_ready_s": page_ready, "first_answer_s": answered}


def _worker(spec: dict) -> dict:
    """Stages of a fresh Assistant in this process (imports count from the worker's start)."""
    t0 = time.perf_counter()
    from assistant import services
    from assistant.config import load_settings

    t_import = time.perf_counter()
    settings = load_settings(home=Path(spec["home"]), model_dir=Path(spec["model_dir"]))
    assistant = services.build_assistant(settings)
    t_construct = time.perf_counter()
    _ = assistant.index.embedder  # model load
    t_model = time.perf_counter()
    assistant.retriever._refresh()  # open the store, live view, BM25
    t_index = time.perf_counter()
    first = assistant.ask(spec["question"])
    t_first = time.perf_counter()
    assistant.ask(spec["question"] + " ")
    t_second = time.perf_counter()
    return {
        "imports_s": t_import - t0,
        "construct_s": t_construct - t_import,
        "model_s": t_model - t_construct,
        "index_s": t_index - t_model,
        "first_ask_s": t_first - t_index,
        "second_ask_s": t_second - t_first,
        "to_first_answer_s": t_first - t0,
        "answered": not first.refused,
        "langchain_core_imported": "langchain_core" in sys.modules,
        "peak_rss_mb": peak_rss_mb(),
    }


def run(mode: Mode) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-cold-", ignore_cleanup_errors=True) as tmp:
        return _run(mode, Path(tmp))


def _run(mode: Mode, tmp: Path) -> Result:
    repeats = 1 if mode.quick else 3 if mode.full else 2
    home = tmp / "home"
    env = worker_env(ASSISTANT_HOME=str(home))
    cli = [sys.executable, "-c", "from assistant.cli.app import main; main()", "ask", QUESTION, "--json"]

    first_s, proc = _timed(cli, env)
    answer = json.loads(proc.stdout)
    cold = []
    for _ in range(repeats):
        seconds, proc = _timed(cli, env)
        cold.append(seconds)
    python = statistics.median(_timed([sys.executable, "-c", "pass"], env)[0] for _ in range(repeats))
    model_path = str(model_dir() / "multilingual-e5-small")
    bare = statistics.median(
        _timed([sys.executable, "-c", _BARE, model_path, QUESTION], env)[0] for _ in range(repeats)
    )
    stages = run_worker(
        "benchmarks.cold_start", {"home": str(home), "model_dir": str(model_dir()), "question": QUESTION}
    )
    cold_s = statistics.median(cold)
    app = _app_first_answer(env, tmp) if CHROMIUM.exists() and not mode.quick else None

    result = Result(NAME, TITLE, ["measure", "seconds", "x bare model process"])
    result.rows = [
        ["`assistant ask --json`, first start (indexes corpus)", first_s, first_s / bare],
        [f"`assistant ask --json`, indexed home (median of {repeats})", cold_s, cold_s / bare],
        ["baseline: python -c pass", python, python / bare],
        ["baseline: import sentence-transformers + load model + encode 1", bare, 1.0],
        ["fresh Assistant: imports", stages["imports_s"], float("nan")],
        ["fresh Assistant: construct", stages["construct_s"], float("nan")],
        ["fresh Assistant: model load", stages["model_s"], float("nan")],
        ["fresh Assistant: open index + BM25", stages["index_s"], float("nan")],
        ["fresh Assistant: first ask", stages["first_ask_s"], float("nan")],
        [
            "fresh Assistant: process start to first answer",
            stages["to_first_answer_s"],
            stages["to_first_answer_s"] / bare,
        ],
        ["fresh Assistant: second ask (warm)", stages["second_ask_s"], float("nan")],
        [f"fresh Assistant: peak RSS {stages['peak_rss_mb']:.0f} MB", float("nan"), float("nan")],
    ]
    if app:
        result.rows += [
            ["app: `streamlit run` to server healthy", app["healthy_s"], app["healthy_s"] / bare],
            ["app: to Ask page ready in Chromium", app["page_ready_s"], app["page_ready_s"] / bare],
            [
                "app: start to first answer (citation card)",
                app["first_answer_s"],
                app["first_answer_s"] / bare,
            ],
        ]
        result.ratio(
            "app start to first answer / bare model process",
            app["first_answer_s"] / bare,
            "python + import sentence-transformers + load model + encode one query",
        )
        result.ratio(
            "app start to first answer / cold `ask`", app["first_answer_s"] / cold_s, "cold `ask` CLI"
        )
    else:
        result.notes.append("app start not measured: --quick, or /usr/bin/chromium missing")
    result.ratio(
        "cold `ask` / bare model process",
        cold_s / bare,
        "python + import sentence-transformers + load model + encode one query",
        "<= 1.5",
        cold_s / bare <= 1.5,
    )
    result.ratio("first start / cold `ask`", first_s / cold_s, "cold `ask` on an indexed home")
    result.ratio(
        "fresh Assistant to first answer / bare model process",
        stages["to_first_answer_s"] / bare,
        "same bare model process",
    )
    result.notes.append(
        f"question: {QUESTION!r}; answered: {not answer['refused']} ({len(answer['citations'])} citation(s))"
    )
    result.notes.append(
        "target 1.5x is ours (the issue sets none): imports, store and BM25 on top of the model "
        "should cost less than half of the unavoidable model load"
    )
    result.data = {
        "first_start_s": first_s,
        "cold_s": cold,
        "python_s": python,
        "bare_model_s": bare,
        "stages": stages,
        "app": app,
    }
    result.params = {"repeats": repeats}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    args = parser.parse_args()
    print(json.dumps(_worker(json.loads(args.worker))))
