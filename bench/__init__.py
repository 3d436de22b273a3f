"""The search benchmark of issue 3 (see docs/benchmark.md): ``make bench``."""
