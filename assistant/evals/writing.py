"""Writing what `assistant eval calibrate` fitted: `calibration.toml` and, beside it, the example files
the product reads (the scope and passage votes' `scope_examples.jsonl` and `scope-<key>.npy`, the area
vote's `area_examples.jsonl` and `areas-<key>.npy`, the area model's `area_model.npz`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tomli_w

import assistant.calibration as product
from assistant.ask.scope import EXAMPLES_FILE
from assistant.calibration import Calibration, load_calibration
from assistant.drafting.area_model import AREA_MODEL, AreaModel
from assistant.drafting.areas import AREA_EXAMPLES

__all__ = ["write_calibration"]


_HEADER = (
    "# Tuned constants of the LA Policy Assistant, written by `assistant eval calibrate`\n"
    "# (assistant/evals/calibrate.py). Do not edit by hand: add eval cases and rerun the command.\n"
    "# [scope] -> ask.scope.ScopePolicy, [fusion] -> retrieve.Weights, [drafter] -> drafting.rank_areas,\n"
    "# [extractive] -> backends.extractive.choose_sentences;\n"
    "# [fit.*] says how each group was fitted and what it scored on train and held-out data.\n\n"
)


def write_calibration(calibration: Calibration, path: Path | None = None) -> Path:
    """Write `calibration` as TOML to `path` (default: the product's `CALIBRATION_FILE`), atomically (a
    temporary file, then a rename); the loader's cache is cleared so the process reads the new file."""
    path = Path(path) if path is not None else product.CALIBRATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    data = calibration.model_dump(mode="json", exclude_none=True)  # TOML has no null: absent = None
    for fit in data["fit"].values():
        if not fit["fixed"]:
            del fit["fixed"]  # an empty table says nothing
    tmp.write_text(_HEADER + tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)
    for prefix, keyed in (("scope", calibration.scope_vectors), ("areas", calibration.area_vectors)):
        if keyed is not None:  # the examples' vectors for the calibrating weights
            key, vectors = keyed
            for old in path.parent.glob(f"{prefix}-*.npy"):
                old.unlink()
            with open(path.with_name(f"{prefix}-{key}.npy"), "wb") as f:
                np.save(f, np.asarray(vectors, np.float32))
    for name, rows in (
        (EXAMPLES_FILE, calibration.scope_examples),
        (AREA_EXAMPLES, calibration.area_examples),
    ):
        if rows:
            examples = path.with_name(name)
            tmp = examples.with_suffix(".tmp")
            tmp.write_text(
                "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
            )
            tmp.replace(examples)
    if calibration.area_model is not None:
        tmp = path.with_name(AREA_MODEL + ".tmp.npz")
        calibration.area_model.save(tmp)
        tmp.replace(path.with_name(AREA_MODEL))
        AreaModel.shipped_file.cache_clear()
    load_calibration.cache_clear()
    return path
