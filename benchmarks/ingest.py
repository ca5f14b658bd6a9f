"""Ingest throughput against bare `model.encode` of the same texts, and incremental re-ingest.

For each size a synthetic corpus is written (benchmarks/synthetic.py) and ingested into a fresh
embedded index with the already-loaded model. Two baselines, both `embedder.model.encode` with the
embedder's own prefix, batch size and normalisation, timed in two halves (one before and one after
the ingest, so both see the same machine load):

- **bare (passages)**: the passage texts the ingest embeds. `ingest/bare` against it is the issue's
  figure (target 0.8).
- **bare (all texts)**: every text the ingest embedded on its own, timed after the ingest. With the
  default pooled sentence vectors that is the passages alone; with ASSISTANT_SENTENCE_VECTORS=separate
  it adds the sentences of multi-sentence passages. Against it, the ratio shows the cost of the
  ingest machinery itself (batching, Chroma writes), whatever the sentence policy.

The default size is ingested in both sentence-vector modes, so their costs compare in one run.

**Formats**: the same synthetic text written as a PDF (running header and footer, headings, a page per
45 lines), a DOCX (headings, a table) and an HTML page (navigation, a table, a footer) is read and split
(`load_document` + `split_document`) and that time is set against bare encode of the passages it gives:
the readers' share of an ingest (target < 0.2, so that ingest stays >= 0.8 of bare encode).
Then one of the documents is changed and the corpus re-ingested (incremental), and re-ingested once
more with nothing changed (no-op).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

from .common import Mode, Result, TimedEmbedder, bench_settings
from .synthetic import mutate, write_corpus

NAME = "ingest"
TITLE = "Ingest throughput (passages/s) vs bare model.encode, and incremental re-ingest"


def _sizes(mode: Mode) -> list[tuple[int, int, bool, tuple[str, ...]]]:
    """(passages, documents, run the incremental step, sentence-vector modes to ingest with)."""
    both = ("pooled", "separate")
    if mode.quick:
        return [(20, 10, True, both)]
    if mode.full:
        return [(1000, 50, False, both), (10_000, 500, True, ("pooled",)), (50_000, 2500, False, ("pooled",))]
    return [(1000, 500, True, both)]


def _passage_texts(paths: list[Path]) -> list[str]:
    """The passage texts PolicyIndex.ingest embeds (section path + text)."""
    from assistant.corpus import load_document, split_document

    return [p.embed_text for f in paths for p in split_document(load_document(f))]


def _bare(embedder, texts: list[str]) -> float:
    if not hasattr(embedder, "_torch"):  # the default model's C engine: its own encode is the bare call
        start = time.perf_counter()
        embedder.encode_passages(texts)
        return time.perf_counter() - start
    # the thread count the embedder uses for batches (it drops to 1 for single queries, and an
    # incremental re-ingest of a few passages leaves it there)
    embedder._torch.set_num_threads(embedder._batch_threads)
    start = time.perf_counter()
    embedder.model.encode(
        ["passage: " + t for t in texts],
        batch_size=embedder.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - start


def run(mode: Mode) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", ignore_cleanup_errors=True) as tmp:
        return _run(mode, Path(tmp))


def _run(mode: Mode, tmp: Path) -> Result:
    from assistant.embeddings import get_embedder
    from assistant.index import PolicyIndex

    columns = [
        "passages",
        "docs",
        "sentences",
        "ingest s",
        "passages/s",
        "bare passages/s",
        "ingest/bare",
        "texts encoded",
        "ingest/bare all texts",
        "encode share",
        "incremental s",
        "incr/full",
        "no-op s",
    ]
    result = Result(NAME, TITLE, columns)
    embedder = get_embedder(bench_settings(tmp / "home0"))
    embedder.encode_passages(["warm-up"] * 8)
    PolicyIndex(bench_settings(tmp / "home0"), embedder=embedder).documents()  # imports Chroma once
    for n, docs, incremental, modes in _sizes(mode):
        corpus = tmp / f"corpus-{n}"
        paths = write_corpus(corpus, n, docs, seed=n)
        passages = _passage_texts(paths)
        for sentences_mode in modes:
            row, data = _ingest_once(embedder, tmp, corpus, paths, passages, n, sentences_mode, incremental)
            result.rows.append([n, docs, sentences_mode, *row])
            result.data[f"{n}/{sentences_mode}"] = data
            label = f"@{n}" if sentences_mode == "pooled" else f"@{n}, separate sentence vectors"
            ratio = data["bare_passages_s"] / data["ingest_s"]
            result.ratio(
                f"ingest/bare encode {label}",
                ratio,
                "bare model.encode of the same passages",
                ">= 0.8",
                ratio >= 0.8,
            )
            if data["sentences"]:
                everything = (data["bare_passages_s"] + data["bare_sentences_s"]) / data["ingest_s"]
                result.ratio(
                    f"ingest/bare encode of all texts {label}",
                    everything,
                    f"bare model.encode of the {len(passages)} passages + {data['sentences']} sentences "
                    "ingest embeds",
                    ">= 0.8",
                    everything >= 0.8,
                )
            if "incremental_s" in data:
                result.ratio(
                    f"incremental/full {label} (1 of {docs} docs)",
                    data["incremental_s"] / data["ingest_s"],
                    "full ingest of the same corpus",
                    "< 0.05",
                    data["incremental_s"] / data["ingest_s"] < 0.05,
                )
    for fmt, data in _formats(embedder, tmp, mode).items():
        result.data[f"format/{fmt}"] = data
        share = data["read_s"] / data["bare_s"]
        result.ratio(
            f"read/bare encode, {fmt} ({data['passages']} passages)",
            share,
            "bare model.encode of the passages the reader gives",
            "< 0.2",
            share < 0.2,
        )
    result.notes += [
        "sentences: how sentence vectors are made (ASSISTANT_SENTENCE_VECTORS). pooled = from the passage's own "
        "forward pass (late chunking, the default); separate = each multi-sentence passage's sentences "
        "encoded as texts of their own",
        "texts encoded = passages + sentence texts encoded on their own; encode share = time in encode "
        "calls / ingest time; the Chroma import is done before timing (cold start measures it)",
        "1k passages in 500 documents (2 each) is the worst case for per-document writes; --full adds 1k in 50",
    ]
    if not mode.full:
        result.notes.append(
            "10k and 50k passages run with --full (about 60 min on 2 cores, half of it the bare-encode baseline)"
        )
    result.params = {"sizes": _sizes(mode), "batch_size": getattr(embedder, "batch_size", None)}
    return result


def _ingest_once(embedder, tmp, corpus, paths, passages, n, sentences_mode, incremental):
    """One fresh ingest of `corpus` (bare passage encode timed in halves around it), then optionally the
    incremental and no-op re-ingests. Returns the table row (after passages, docs, mode) and the data."""
    from assistant.index import PolicyIndex

    half = len(passages) // 2
    bare_p = _bare(embedder, passages[:half])
    timed = TimedEmbedder(embedder)
    index = PolicyIndex(
        bench_settings(tmp / f"home-{n}-{sentences_mode}", sentence_vectors=sentences_mode), embedder=timed
    )
    report = index.ingest([corpus])
    assert not report.failed, report.failed
    bare_p += _bare(embedder, passages[half:])
    sentences = list((Counter(timed.texts_seen) - Counter(passages)).elements())  # encoded on their own
    bare_s = _bare(embedder, sentences) if sentences else 0.0
    took = report.seconds
    row = [
        took,
        report.passages / took,
        len(passages) / bare_p,
        bare_p / took,
        timed.texts,
        (bare_p + bare_s) / took,
        timed.seconds / took,
    ]
    data = {
        "ingest_s": took,
        "bare_passages_s": bare_p,
        "bare_sentences_s": bare_s,
        "encode_s": timed.seconds,
        "encoded_texts": timed.texts,
        "passages": len(passages),
        "sentences": len(sentences),
        "encode_calls": len(timed.calls),
    }
    if not incremental:
        return row + [float("nan")] * 3, data
    target = paths[len(paths) // 2]
    original = target.read_text(encoding="utf-8")
    target.write_text(mutate(original), encoding="utf-8")
    again = index.ingest([corpus])
    assert len(again.updated) == 1 and not again.added, again.summary()
    noop = index.ingest([corpus])
    assert not noop.updated and not noop.added, noop.summary()
    target.write_text(original, encoding="utf-8")  # the next mode ingests the same corpus
    data |= {"incremental_s": again.seconds, "incremental_passages": again.passages, "noop_s": noop.seconds}
    return row + [again.seconds, again.seconds / took, noop.seconds], data


def _formats(embedder, tmp: Path, mode: Mode) -> dict[str, dict]:
    """Read + split time of one text as PDF, DOCX and HTML, and bare encode time of its passages."""
    from assistant.corpus import load_document, split_document
    from tests.docgen import Line, pdf

    paras = [
        f"Regel {i}: gegevens van cursus {i % 37} worden uiterlijk {6 + i % 30} maanden na afloop van de "
        f"cursus verwijderd of geanonimiseerd, tenzij de examencommissie {i % 5 + 2} weken eerder besluit."
        for i in range(40 if mode.quick else 400)
    ]
    folder = tmp / "formats"
    folder.mkdir(exist_ok=True)
    pages, lines, y = [], [], 760.0
    for i, para in enumerate(paras):
        if i % 10 == 0:
            lines.append(Line(56, y, 13, f"Hoofdstuk {i // 10 + 1} bewaartermijnen", bold=True))
            y -= 22
        for k in range(0, len(para), 95):
            lines.append(Line(56, y, 10, para[k : k + 95]))
            y -= 13
        y -= 6
        if y < 100:
            pages.append(
                [Line(56, 805, 8, "Faculteit - richtlijn"), *lines, Line(280, 40, 8, f"{len(pages) + 1}")]
            )
            lines, y = [], 760.0
    if lines:
        pages.append(
            [Line(56, 805, 8, "Faculteit - richtlijn"), *lines, Line(280, 40, 8, f"{len(pages) + 1}")]
        )
    files = {"pdf": pdf(pages, folder / "r.pdf")}

    import docx

    d = docx.Document()
    d.add_heading("Richtlijn", level=1)
    for i, para in enumerate(paras):
        if i % 10 == 0:
            d.add_heading(f"Hoofdstuk {i // 10 + 1}", level=2)
        d.add_paragraph(para)
    table = d.add_table(rows=21, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Gegevens", "Termijn"
    for r in range(1, 21):
        table.cell(r, 0).text, table.cell(r, 1).text = f"Soort {r}", paras[r]
    d.save(folder / "r.docx")
    files["docx"] = folder / "r.docx"
    body = "".join(
        (f"<h2>Hoofdstuk {i // 10 + 1}</h2>" if i % 10 == 0 else "") + f"<p>{para}</p>"
        for i, para in enumerate(paras)
    )
    rows = "".join(f"<tr><td>Soort {r}</td><td>{paras[r]}</td></tr>" for r in range(1, 21))
    (folder / "r.html").write_text(
        "<html><head><title>Richtlijn</title></head><body><nav><a href='/'>Home</a> <a href='/c'>Contact</a></nav>"
        f"<main><h1>Richtlijn</h1>{body}<table><tr><th>Gegevens</th><th>Termijn</th></tr>{rows}</table></main>"
        "<footer>Alle rechten voorbehouden.</footer></body></html>",
        encoding="utf-8",
    )
    files["html"] = folder / "r.html"
    out = {}
    for fmt, path in files.items():
        start = time.perf_counter()
        passages = split_document(load_document(path))
        read = time.perf_counter() - start
        out[fmt] = {
            "passages": len(passages),
            "read_s": read,
            "bare_s": _bare(embedder, [p.embed_text for p in passages]),
        }
    return out
