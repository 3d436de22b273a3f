"""Safety: recognise crisis and suicidal wording, and the crisis lines to show."""

from socialmap.safety.crisis import CrisisLine, CrisisSignal, crisis_lines, detect

__all__ = ["CrisisLine", "CrisisSignal", "crisis_lines", "detect"]
