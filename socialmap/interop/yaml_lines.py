"""Reading YAML with line numbers, so an import problem can say where it is.

Every mapping is read as a :class:`Marked` dict that knows the line it starts
on and the line of each of its keys. A key written twice in one mapping
(which PyYAML would silently resolve to the last value) is a problem naming
the line of the first.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from socialmap.problems import Problems, _, shown


class Marked(dict):
    """A mapping read from a file: ``line`` (1-based) and ``key_lines``."""

    line: int | None = None
    key_lines: dict

    def __init__(self, *args, line: int | None = None, **kw):
        super().__init__(*args, **kw)
        self.line = line
        self.key_lines = {}

    def line_of(self, key) -> int | None:
        """The line of ``key`` (the mapping's own line when the key is absent)."""
        return self.key_lines.get(key, self.line)


def line_of(record, key=None) -> int | None:
    """The line of ``record`` (or of its ``key``), when it was read with lines."""
    if isinstance(record, Marked):
        return record.line_of(key) if key is not None else record.line
    return None


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`Marked` and which records duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []  # (key, line, first line)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Marked:
    loader.flatten_mapping(node)
    result = Marked(line=node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if key in result.key_lines:
            loader.duplicates.append((str(key), line, result.key_lines[key]))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    """A date-like scalar that is no date (2026-13-01) stays text, so the
    checker can name it with its line instead of the reader failing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def read_yaml(path: Path, problems: Problems):
    """The document in ``path`` with :class:`Marked` mappings, or None (with a
    problem) when it cannot be read. Duplicate keys are problems too."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(name, "", _("kan het bestand niet lezen: %(error)s", error=str(exc)))
        return None
    loader = _LineLoader(text)
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f"{name}:{line}" if line else name
        problems.add(
            where, "", _("geen geldige YAML: %(error)s", error=getattr(exc, "problem", None) or str(exc)), line
        )
        return None
    finally:
        loader.dispose()
    for key, line, first in loader.duplicates:
        problems.add(
            f"{name}:{line}",
            key,
            _(
                "veld %(field)s staat twee keer in dezelfde mapping; de eerste keer op regel %(first)d",
                field=shown(key),
                first=first,
            ),
            line,
        )
    return doc
