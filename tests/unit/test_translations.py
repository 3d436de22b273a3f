"""English is complete: every interface string in the code has a translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "socialmap" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_every_string_in_the_code_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            # Babel skips folders starting with "_" by default: templates/_macros must count.
            "--ignore-dirs",
            ".*",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wanted = {m.id for m in _read(pot) if m.id}
    catalogue = {m.id: m for m in _read(PO) if m.id}
    missing = sorted(str(i) for i in wanted - set(catalogue))
    untranslated = sorted(
        str(i) for i in wanted & set(catalogue) if not all(_as_tuple(catalogue[i].string)) or catalogue[i].fuzzy
    )
    assert missing == [], "run `make translations` and translate: " + repr(missing)
    assert untranslated == [], repr(untranslated)


def test_placeholders_survive_translation():
    import re

    def names(text: str) -> set[str]:
        return set(re.findall(r"%\(\w+\)[sd]", text))

    for m in _read(PO):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for text in strings:
            assert names(text) == names(ids[-1]), m.id


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)
