"""Import problems: every one names its record and field, and any problem
stops the whole import before anything is written."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    where: str  # file and record, e.g. "social-money.yaml: service s-fin-cafe-oost"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}" if self.field else f"{self.where}: {self.message}"


class ImportFailed(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, where: str, field_: str, message: str) -> None:
        self.items.append(Problem(where, field_, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFailed(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
