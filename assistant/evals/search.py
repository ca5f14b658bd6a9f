"""The search of the calibration program: a deterministic stratified split and a coordinate search
over fixed grids with the one-standard-error rule (see `assistant.evals.calibrate`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["SPLIT_SALT", "HELDOUT_SHARE", "stratified_split", "Search", "coordinate_search"]

SPLIT_SALT = "calibration-v1"
HELDOUT_SHARE = 0.3


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stratified_split(
    cases: Iterable[Any],
    stratum: Callable[[Any], Hashable],
    share: float = HELDOUT_SHARE,
    salt: str = SPLIT_SALT,
) -> dict[str, str]:
    """Case id -> "train" or "heldout": per stratum, cases ordered by SHA-256 of `salt:id`, the first
    round(share x size) held out. Deterministic, independent of file order."""
    groups: dict[Hashable, list[str]] = {}
    for case in cases:
        groups.setdefault(stratum(case), []).append(case.id)
    out = {}
    for ids in groups.values():
        ordered = sorted(ids, key=lambda i: _digest(f"{salt}:{i}"))
        held = round(len(ordered) * share)
        out.update({i: "heldout" if n < held else "train" for n, i in enumerate(ordered)})
    return out


def _best_run(scores: list[tuple]) -> tuple[int, int]:
    """First and last index of the longest run of equal best scores (the first such run on a tie)."""
    best = max(scores)
    runs, start = [], None
    for i, s in enumerate([*scores, None]):
        if s == best and start is None:
            start = i
        elif s != best and start is not None:
            runs.append((start, i - 1))
            start = None
    return max(runs, key=lambda r: r[1] - r[0])


@dataclass(frozen=True)
class Search:
    """Where a coordinate search ended, and which constants the objective could not pin down."""

    point: dict[str, float]
    flat: list[str]  # the objective is the same over the whole grid: the data do not bear on it
    open_ended: list[str]  # the best run reaches an end of the grid: bounded on one side only


def coordinate_search(
    grid: dict[str, list[float]],
    objective: Callable[[dict[str, float]], tuple],
    max_passes: int = 10,
    *,
    start: dict[str, float] | None = None,
    stderr: Callable[[dict[str, float]], float] | None = None,
) -> Search:
    """Coordinate ascent on `objective` (a tuple, compared lexicographically, higher is better) over
    `grid`: start at `start` (the incumbent constants) or at each list's middle; per name, try every
    value with the others fixed. With `stderr` (the standard error of the objective's first element at
    a point), the incumbent value is kept unless the best value beats it by more than one standard
    error (the one-standard-error rule, Hastie, Tibshirani & Friedman, *Elements of Statistical
    Learning*, 2nd ed., section 7.10): a constant moves only on evidence, not on noise. Otherwise it
    takes the middle of the longest run of best values (the widest margin). Passes repeat until one
    changes nothing (at most `max_passes`)."""
    point = {name: values[(len(values) - 1) // 2] for name, values in grid.items()}
    if start:
        point |= {name: start[name] for name in grid if name in start}
    flat: list[str] = []
    open_ended: list[str] = []
    for _ in range(max_passes):
        changed, flat, open_ended = False, [], []
        for name, values in grid.items():
            scores = [objective({**point, name: v}) for v in values]
            lo, hi = _best_run(scores)
            chosen = values[(lo + hi) // 2]
            if stderr is not None and start is not None:
                margin = stderr({**point, name: chosen})
                if objective(point)[0] >= scores[(lo + hi) // 2][0] - margin:
                    chosen = point[name]  # within one standard error of the best: keep the incumbent
            changed = changed or chosen != point[name]
            point[name] = chosen
            if len(set(scores)) == 1:
                flat.append(name)
            elif lo == 0 or hi == len(values) - 1:
                open_ended.append(name)
        if not changed:
            break
    return Search(point, flat, open_ended)
