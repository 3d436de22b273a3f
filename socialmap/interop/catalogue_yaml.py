"""Load a catalogue written as YAML files (see docs/demo-data-format.md).

Reads every file with line numbers (:mod:`.yaml_lines`) into records and hands
them to the shared pipeline (:mod:`.catalogue_records`): check everything, then
add and update by key in one transaction. Nothing is ever deleted; retiring
what the files no longer hold needs a scope and a dry run's confirmation code.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from socialmap.audit import imports
from socialmap.interop.catalogue_records import (
    STRICT,
    Item,
    LoadReport,
    Placement,
    RetireScope,
    Source,
    load,
    prerequisites,
    read_placements,
)
from socialmap.interop.yaml_lines import line_of, read_yaml
from socialmap.problems import Problems, _, did_you_mean, shown

TOP_LEVEL = ("organisations", "services")


def read_files(paths: list[Path], problems: Problems) -> Source:
    """Every file's organisations and services, each record with its file and line."""
    source = Source()
    for path in paths:
        name = Path(path).name
        doc = read_yaml(path, problems)
        if doc is None:
            continue
        if not isinstance(doc, dict):
            problems.add(
                name, "", _("verwacht de lijsten 'organisations' en 'services', niet %(value)s", value=shown(doc, 40))
            )
            continue
        for key in doc:
            if key not in TOP_LEVEL:
                line = line_of(doc, key)
                problems.add(
                    f"{name}:{line}" if line else name,
                    str(key),
                    did_you_mean(
                        _(
                            "onbekende lijst %(value)s; een catalogusbestand heeft alleen 'organisations' "
                            "en 'services'",
                            value=shown(key),
                        ),
                        str(key),
                        TOP_LEVEL,
                    ),
                    line,
                )
        for list_name, into in (("organisations", source.organisations), ("services", source.services)):
            items = doc.get(list_name) or []
            if not isinstance(items, list):
                line = line_of(doc, list_name)
                problems.add(
                    f"{name}:{line}" if line else name,
                    list_name,
                    _("verwacht een lijst, niet %(value)s", value=shown(items, 40)),
                    line,
                )
                continue
            into.extend(Item(name, item, line_of(item) or line_of(doc, list_name)) for item in items)
    return source


@imports("paths")
def load_catalogue(
    session: Session,
    paths: list[Path],
    placements_path: Path | None = None,
    *,
    demo: bool = False,
    retire: RetireScope | None = None,
    confirm: str | bool | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Check every file, then add and update (unless ``dry_run``). Raises
    ImportFailed listing every problem, or RetireNotConfirmed; then nothing is written.

    ``placements_path``: a CSV of location,lon,lat,postcode (the demo's); files
    may instead give each location ``lon``/``lat`` or a ``postcode``."""
    problems = Problems()
    source = read_files(paths, problems)
    placements: dict[str, Placement] = read_placements(placements_path, problems) if placements_path else {}
    prerequisites(session, source, problems)
    problems.raise_if_any()
    return load(session, source, placements, rules=STRICT, demo=demo, retire=retire, confirm=confirm, dry_run=dry_run)
