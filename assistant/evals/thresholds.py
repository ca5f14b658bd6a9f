"""The quality floor: eval figures held to `evals/thresholds.toml` (CI fails below it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from assistant.errors import ConfigError

__all__ = ["LOWER_IS_BETTER", "check_thresholds"]

# Metrics where smaller is better: a bare threshold on these is a maximum.
LOWER_IS_BETTER = ("false_refusal_rate", "latency_p50_ms", "latency_p95_ms", "pii_echo_rate", "error_rate")


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.update(_flatten(value, path) if isinstance(value, dict) else {path: value})
    return out


def _lookup(metrics: dict, path: str):
    node = metrics
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def check_thresholds(metrics: dict, thresholds_toml_path: str | Path) -> list[str]:
    """Failures of `metrics` against a thresholds file; an empty list means every figure holds.

    Format: a `[min]` table (figure must be >= value) and a `[max]` table (figure must be <=
    value), keyed by dotted metric paths such as `questions.answer_hit.nl = 0.9`. Keys outside
    those tables take their direction from the metric name (LOWER_IS_BETTER are maxima). A path
    that names no metric, or a metric without cases (None), is a failure, never a silent pass.
    Raises ConfigError when the file is missing, not TOML, or holds a non-number.
    """
    path = Path(thresholds_toml_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"thresholds file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
    if isinstance(metrics.get("metrics"), dict):
        metrics = metrics["metrics"]
    bounds: list[tuple[str, str, object]] = []
    for key, value in data.items():
        if key in ("min", "max") and isinstance(value, dict):
            bounds += [(key, p, v) for p, v in _flatten(value).items()]
        else:
            for p, v in _flatten({key: value}).items():
                lower = any(part in LOWER_IS_BETTER for part in p.split("."))
                bounds.append(("max" if lower else "min", p, v))
    failures = []
    for kind, metric, limit in bounds:
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise ConfigError(f"{path}: threshold {metric} must be a number, not {limit!r}")
        try:
            value = _lookup(metrics, metric)
        except KeyError:
            failures.append(f"{metric}: no such metric")
            continue
        if value is None or isinstance(value, dict):
            failures.append(f"{metric}: no value (no cases)" if value is None else f"{metric}: not a figure")
        elif kind == "min" and value < limit:
            failures.append(f"{metric} = {value:.3f} < min {limit}")
        elif kind == "max" and value > limit:
            failures.append(f"{metric} = {value:.3f} > max {limit}")
    return failures
