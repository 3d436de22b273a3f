"""Import a real catalogue exported as CSV: one row per organisation, a name, a
text and (optionally) an address -- no categories, no tags.

Each row becomes an organisation with one service (its summary is the row's
text; kinds, needs and the other codes stay empty) serving the areas given,
and, when the address parses ("Street 12a, 2803PV Gouda") and its postcode is
known, one location at the centre of its 4-digit postcode area, marked
approximate. The rows become the same records as the YAML files and go
through the same pipeline (:mod:`.catalogue_records`): checked together,
written in one transaction, with the same messages.

Keys come from the name (a slug), so a new export of the same catalogue
updates the same entries. Rows whose names give the same slug are told apart,
in every such row (so the keys do not depend on the order of the rows):
first by their postcode (``alleskits-3062-mb``, ``...-zonder-adres``), then,
if still shared, by a short digest of their exact name and text
(``...-zonder-adres-3f9a2c``, with a note naming the line of the first). The
same row twice is imported once (a note names the first).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from socialmap.audit import imports
from socialmap.catalogue import keys
from socialmap.interop.catalogue_records import TEXT_ONLY, Item, LoadReport, RetireScope, Source, load, prerequisites
from socialmap.problems import Problems, _, did_you_mean, shown
from socialmap.search.places import postcode_centroids

# "Groningenweg 8a, 2803PV Gouda", "Atlantisplein 1kamer 2.14, 1093NE Amsterdam"
ADDRESS = re.compile(
    r"^\s*(?P<street>.*?[^\d\s,])\s+(?P<number>\d+[^,]{0,19}?)\s*,\s*"
    r"(?P<postcode>\d{4})\s*(?P<letters>[A-Za-z]{2})\s+(?P<city>\S.*?)\s*$"
)
KEY_LENGTH = 80


@dataclass(frozen=True)
class Columns:
    name: str = "naam"
    text: str = "beschrijving"
    address: str | None = "adres"  # None or "": the file has no addresses


@dataclass(frozen=True)
class Address:
    street: str
    number: str
    postcode: str  # "2803 PV"
    city: str


def parse_address(text: str | None) -> Address | None:
    """'Groningenweg 8a, 2803PV Gouda' -> its parts; None when it does not parse."""
    m = ADDRESS.match(text or "")
    if not m:
        return None
    return Address(
        m["street"].strip(), m["number"].strip(), f"{m['postcode']} {m['letters'].upper()}", m["city"].strip()
    )


def slug(text: str) -> str:
    """'Stichting Hulp & Zorg (Gouda)' -> 'stichting-hulp-zorg-gouda' (short enough for a prefix and a postcode)."""
    return keys.slug(text, KEY_LENGTH)


def read_csv(path: Path, serves: list[str], columns: Columns, problems: Problems, key_prefix: str = "") -> Source:
    """The rows as organisation and service records (with their lines)."""
    name = Path(path).name
    source = Source()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(str(path), "", _("kan het bestand niet lezen (verwacht UTF-8): %(error)s", error=str(exc)))
        return source
    try:  # only the delimiter is guessed (the sniffer misreads doubled quotes)
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter)
    header = reader.fieldnames or []
    wanted = [("--name-column", columns.name), ("--text-column", columns.text)]
    if columns.address:
        wanted.append(("--address-column", columns.address))
    for option, column in wanted:
        if column not in header:
            problems.add(
                f"{name}:1",
                option,
                did_you_mean(
                    _(
                        "kolom %(value)s staat niet in de kopregel (%(columns)s)",
                        value=shown(column),
                        columns=", ".join(header) or "-",
                    ),
                    column,
                    header,
                ),
                1,
            )
    if problems:
        return source

    rows: list[tuple[int, dict]] = []
    previous_end = reader.line_num
    for row in reader:
        rows.append((previous_end + 1, row))
        previous_end = reader.line_num
    addresses = {line: _address(row, columns) for line, row in rows}
    keys = _keys(rows, columns, addresses, key_prefix)
    centroids = postcode_centroids()
    first: dict[str, int] = {}
    first_of_base: dict[str, int] = {}
    for line, row in rows:
        where = f"{name}:{line}"
        title = (row.get(columns.name) or "").strip()
        summary = (row.get(columns.text) or "").strip()
        address = addresses[line]
        key, base, by_digest = keys[line]
        if base == key_prefix:
            problems.add(
                where, columns.name, _("van de naam %(value)s is geen sleutel te maken", value=shown(title)), line
            )
            continue
        if key in first:
            source.notes.append(
                f"{where}: " + _("dezelfde rij als regel %(first)d; één keer geladen", first=first[key])
            )
            continue
        first_of_base.setdefault(base, line)
        if by_digest and first_of_base[base] != line:
            source.notes.append(
                f"{where}: "
                + _(
                    "naam %(value)s geeft dezelfde sleutel als regel %(first)d (zelfde naam en adres, andere "
                    "tekst); geladen als %(key)s",
                    value=shown(title),
                    first=first_of_base[base],
                    key=key,
                )
            )
        first[key] = line
        org = {"key": key, "name": title}
        service = {"key": key, "organisation": key, "name": {"nl": title}, "serves": list(serves)}
        if summary:
            service["summary"] = {"nl": summary}
        raw = (row.get(columns.address) or "").strip() if columns.address else ""
        if address and address.postcode[:4] in centroids:
            org["locations"] = [
                {
                    "key": key,
                    "street": address.street,
                    "number": address.number,
                    "postcode": address.postcode,
                    "city": address.city,
                }
            ]
            service["locations"] = [key]
        elif address:
            source.notes.append(
                f"{where}: "
                + _(
                    "postcode %(postcode)s staat niet in de postcodelijst; zonder locatie geladen",
                    postcode=address.postcode,
                )
            )
        elif raw:
            source.notes.append(
                f"{where}: "
                + _(
                    "adres %(value)s is niet te lezen (verwacht 'Straat 12a, 1234AB Plaats'); zonder locatie geladen",
                    value=shown(raw),
                )
            )
        source.organisations.append(Item(name, org, line))
        source.services.append(Item(name, service, line))
    return source


def _keys(rows, columns: Columns, addresses: dict, prefix: str) -> dict[int, tuple[str, str, bool]]:
    """line -> (key, the slug it started from, told apart by a digest); see the module's docstring.
    Identical rows count as one, so a repeated row does not change the key of the first."""
    by_line = dict(rows)
    content = {
        line: tuple((row.get(c) or "").strip() for c in (columns.name, columns.text, columns.address) if c)
        for line, row in rows
    }
    base = {line: prefix + slug(by_line[line].get(columns.name) or "") for line in by_line}
    keys = dict(base)
    for line in _lines_sharing(keys, content, prefix):
        a = addresses[line]
        keys[line] = f"{base[line]}-{slug(a.postcode) if a else 'zonder-adres'}"
    by_digest = set()
    for line in _lines_sharing(keys, content, prefix):
        digest = hashlib.sha1("\n".join(content[line]).encode()).hexdigest()[:6]
        keys[line] = f"{keys[line]}-{digest}"
        by_digest.add(line)
    return {line: (keys[line], base[line], line in by_digest) for line in base}


def _lines_sharing(keys: dict[int, str], content: dict[int, tuple], prefix: str) -> list[int]:
    """Lines whose key a row with other content has too (names without a slug aside)."""
    contents: dict[str, set] = {}
    for line, key in keys.items():
        contents.setdefault(key, set()).add(content[line])
    return [line for line, key in keys.items() if len(contents[key]) > 1 and key != prefix]


def _address(row: dict, columns: Columns) -> Address | None:
    return parse_address(row.get(columns.address)) if columns.address else None


@imports("path")
def import_csv(
    session: Session,
    path: Path,
    serves: list[str],
    columns: Columns = Columns(),
    *,
    key_prefix: str = "",
    retire: RetireScope | None = None,
    confirm: str | bool | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Check every row, then add and update (unless ``dry_run``); the same rules
    as :func:`.catalogue_yaml.load_catalogue` except that codes and cost are not
    required. Raises ImportFailed or RetireNotConfirmed; then nothing is written."""
    problems = Problems()
    if not serves:
        problems.add(Path(path).name, "--serves", _("geef minstens één gebiedscode, bijvoorbeeld --serves GM0513"))
    source = read_csv(path, serves, columns, problems, key_prefix)
    prerequisites(session, source, problems)
    problems.raise_if_any()
    return load(session, source, rules=TEXT_ONLY, retire=retire, confirm=confirm, dry_run=dry_run)
