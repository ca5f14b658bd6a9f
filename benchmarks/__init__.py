"""Benchmarks of the LA Policy Assistant: `python -m benchmarks.run [--quick | --full] [--only NAME]`.

Every benchmark measures our code and its baseline in the same run and reports the ratio, because
absolute times drift on a shared machine. See docs/benchmarks.md.
"""
