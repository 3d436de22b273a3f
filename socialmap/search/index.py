"""The search index on disk: one Whoosh index per shard in one directory,
a shard map (service id -> shard) and a manifest describing what was indexed.

The index is derived from the database: it is written only after a commit
(see :mod:`socialmap.search.indexer`) or rebuilt whole by ``search reindex``,
and never read to decide what to write to the database.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

import socialmap.catalogue.models  # noqa: F401  (registers the tables a worker process maps)
from socialmap.db import engine_options, prepare_engine
from socialmap.search.analysis import dutch_analyzer, edit_distance, english_analyzer, lemma, lexicon, typo_allowance
from socialmap.search.documents import build_documents

MANIFEST = "manifest.json"
SHARD_MAP = "shards.json"
# Bump when documents or the schema change: an index of another version is not
# read (the search answers "being updated") and `health` says to reindex.
# 3: professionals_only. 4: held_in.
SCHEMA_VERSION = 9  # 5: lemma stems, wordfreq compounds, name boost 2; 6: tagged; 7: no kind labels in documents
# 8: named_needs, named_kinds. 9: freshness (the stale stage)


def make_schema() -> Schema:
    """Two text fields per language (the name, and everything else), so a query
    term is looked up in four fields rather than nine: fewer posting lists to
    merge per search, fewer to write per document."""
    nl, en = dutch_analyzer(), english_analyzer()
    kw = dict(scorable=False, commas=False, lowercase=False)
    return Schema(
        id=ID(stored=True, unique=True),
        key=ID(stored=True),
        # Names weigh more than other text, but not so much that a generic word
        # in a name ("hulp", "werk") outweighs the specific word of a query.
        name_nl=TEXT(analyzer=nl, stored=True, field_boost=2.0),
        name_en=TEXT(analyzer=en, stored=True, field_boost=2.0),
        text_nl=TEXT(analyzer=nl),
        text_en=TEXT(analyzer=en),
        summary_nl=STORED,
        summary_en=STORED,
        org=STORED,
        needs=KEYWORD(stored=True, **kw),
        direct_needs=STORED,
        kinds=KEYWORD(stored=True, **kw),
        # The needs a service is tagged with, without their ancestors: a service
        # tagged only "fin" is found (lower) for "fin.debt"; one tagged "fin.worries" is not.
        tagged=KEYWORD(**kw),
        # The needs (with ancestors) and kinds the service's own text names: found
        # by need in a catalogue nobody tagged, lower than by a tag.
        named_needs=KEYWORD(**kw),
        named_kinds=KEYWORD(**kw),
        domains=KEYWORD(stored=True, **kw),
        access=KEYWORD(stored=True, **kw),
        formats=KEYWORD(stored=True, **kw),
        languages=KEYWORD(stored=True, **kw),
        held_in=KEYWORD(stored=True, **kw),
        groups=KEYWORD(stored=True, **kw),
        serves=KEYWORD(stored=True, **kw),
        professionals_only=BOOLEAN(stored=True),
        cost=ID(stored=True),
        status=ID(stored=True),
        freshness=ID(stored=True),
        min_age=NUMERIC(stored=True),
        max_age=NUMERIC(stored=True),
        waiting_weeks=NUMERIC(stored=True, signed=True),
        open_24_7=BOOLEAN(stored=True),
        has_en=BOOLEAN(stored=True),
        locations=STORED,
        checksum=STORED,
    )


KEYWORD_FIELDS = (
    "needs",
    "kinds",
    "named_needs",
    "named_kinds",
    "domains",
    "access",
    "formats",
    "languages",
    "held_in",
    "groups",
    "serves",
)


DOC_ONLY = ("shard", "description_nl", "description_en")


def to_whoosh(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k not in DOC_ONLY}
    out["tagged"] = " ".join(doc["direct_needs"])
    for f in KEYWORD_FIELDS:
        out[f] = " ".join(doc[f])
    # The summary counts twice: it says what the service is; the description adds detail.
    # Kind labels are not text: the kinds field holds them as codes, and the words
    # of a label ("werk" in "Welzijnswerk") would otherwise match every document.
    out["text_nl"] = " ".join((doc["summary_nl"], doc["summary_nl"], doc["org"], doc["description_nl"]))
    out["text_en"] = " ".join((doc["summary_en"], doc["summary_en"], doc["description_en"]))
    return out


@dataclass(frozen=True)
class Row:
    """What ranking needs of one document, held in memory per shard."""

    id: int
    key: str
    serves: frozenset
    locations: list
    needs: frozenset
    direct_needs: tuple
    kinds: tuple
    domains: tuple
    status: str
    professionals_only: bool
    held_in: frozenset  # languages other than Dutch it is held in (documents.held_in)
    freshness: str = "current"  # the stale stage (freshness/stages.py)


def _row(fields: dict) -> Row:
    return Row(
        int(fields["id"]),
        fields["key"],
        frozenset(fields["serves"].split()),
        fields["locations"] or [],
        frozenset(fields["needs"].split()),
        tuple(fields["direct_needs"] or ()),
        tuple(fields["kinds"].split()),
        tuple(fields["domains"].split()),
        fields["status"],
        bool(fields["professionals_only"]),
        frozenset(fields["held_in"].split()),
        fields.get("freshness") or "current",
    )


TEXT_FIELDS = ("name_nl", "text_nl", "name_en", "text_en")


@dataclass
class Manifest:
    schema_version: int = SCHEMA_VERSION
    built_at: float = 0.0
    fingerprint: list = field(default_factory=list)  # see indexer.db_fingerprint
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def services(self) -> int:
        return sum(self.counts.values())


class SearchIndex:
    """Access to the shards in ``directory``; searchers are cached and reopened
    when a shard changes."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._schema = None
        self._searchers: dict[str, object] = {}
        self._columns: dict[str, tuple[object, dict[int, Row]]] = {}
        self._served: dict[str, tuple[dict, dict[str, set[int]]]] = {}
        self._vocabulary: tuple[object, frozenset[str], dict[str, set[str]]] | None = None
        self._manifest: tuple[tuple, Manifest | None] | None = None
        self._searchers_of: Manifest | None = None
        self._frequencies: dict[tuple, tuple[object, int]] = {}
        self._lock = threading.RLock()

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = make_schema()
        return self._schema

    # --- state ---------------------------------------------------------------
    def exists(self) -> bool:
        return (self.directory / MANIFEST).exists()

    def current(self) -> bool:
        """Is there an index written by this version (documents as this code reads them)?"""
        manifest = self.manifest()
        return manifest is not None and manifest.schema_version == SCHEMA_VERSION

    def manifest(self) -> Manifest | None:
        """The manifest, re-read only when the file changed."""
        path = self.directory / MANIFEST
        try:
            stat = path.stat()
            mtime = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        except OSError:
            return None
        if self._manifest is None or self._manifest[0] != mtime:
            try:
                self._manifest = (mtime, Manifest(**json.loads(path.read_text())))
            except (OSError, ValueError, TypeError):
                return None
        return self._manifest[1]

    def write_manifest(self, manifest: Manifest) -> None:
        tmp = self.directory / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest.__dict__, indent=1, sort_keys=True))
        tmp.replace(self.directory / MANIFEST)

    def shard_map(self) -> dict[str, str]:
        try:
            return json.loads((self.directory / SHARD_MAP).read_text())
        except (OSError, ValueError):
            return {}

    def _write_shard_map(self, mapping: dict[str, str]) -> None:
        tmp = self.directory / (SHARD_MAP + ".tmp")
        tmp.write_text(json.dumps(mapping, sort_keys=True))
        tmp.replace(self.directory / SHARD_MAP)

    def shards(self) -> list[str]:
        m = self.manifest()
        return sorted(m.counts) if m else []

    # --- reading -------------------------------------------------------------
    def searcher(self, shard: str):
        """A cached searcher for one shard (None if the shard does not exist).

        Every write to the index also rewrites the manifest, so the cached
        searchers are reopened only when the manifest changed -- asking each
        shard whether it is current would list the whole directory (hundreds
        of shards) on every search.
        """
        manifest = self.manifest()
        with self._lock:
            if self._searchers_of is not manifest:
                self._close_searchers()
                self._searchers_of = manifest
            current = self._searchers.get(shard)
            if current is not None:
                return current
            if manifest is None or shard not in manifest.counts:
                return None
            try:
                searcher = whoosh_index.open_dir(self.directory, indexname=shard, schema=self.schema).searcher()
            except (OSError, whoosh_index.EmptyIndexError):
                return None
            self._searchers[shard] = searcher
            return searcher

    def _close_searchers(self) -> None:
        for s in self._searchers.values():
            s.close()
        self._searchers.clear()
        self._columns.clear()
        self._served.clear()

    def columns(self, shard: str) -> dict[int, Row]:
        """docnum -> Row for the shard's current searcher (built once per index version)."""
        searcher = self.searcher(shard)
        with self._lock:
            cached = self._columns.get(shard)
            if cached is None or cached[0] is not searcher:
                rows = {docnum: _row(fields) for docnum, fields in searcher.reader().iter_docs()}
                cached = (searcher, rows)
                self._columns[shard] = cached
            return cached[1]

    def warm(self) -> int:
        """Open every shard and build what ranking holds in memory, so no visitor
        pays for a first visit to a shard. Returns the number of shards opened."""
        lexicon()  # the language data (wordfreq's lexicon, simplemma's dictionary) load once, here
        lemma("zorg")
        opened = 0
        for shard in self.shards():
            if self.searcher(shard) is not None:
                self._serving_index(shard)
                opened += 1
        self.vocabulary()
        return opened

    def serving(self, shard: str, codes: frozenset[str]) -> set[int]:
        """Docnums in the shard of services serving any of ``codes`` (from memory)."""
        by_code = self._serving_index(shard)
        found: set[int] = set()
        for code in codes:
            found |= by_code.get(code, set())
        return found

    def _serving_index(self, shard: str) -> dict[str, set[int]]:
        columns = self.columns(shard)
        with self._lock:
            cached = self._served.get(shard)
            if cached is None or cached[0] is not columns:
                by_code: dict[str, set[int]] = defaultdict(set)
                for docnum, row in columns.items():
                    for code in row.serves:
                        by_code[code].add(docnum)
                cached = (columns, dict(by_code))
                self._served[shard] = cached
            return cached[1]

    def vocabulary(self) -> frozenset[str]:
        """Every term in the text fields of all shards (to tell typos from known words)."""
        return self._vocab()[0]

    def doc_count(self, shard: str) -> int:
        searcher = self.searcher(shard)
        return searcher.reader().doc_count() if searcher is not None else 0

    def doc_frequency(self, shard: str, fields: tuple[str, ...], term: str) -> int:
        """Documents of the shard holding ``term`` in the most of ``fields`` (cached
        until the shard's searcher changes)."""
        searcher = self.searcher(shard)
        if searcher is None:
            return 0
        key = (shard, fields, term)
        cached = self._frequencies.get(key)
        if cached is None or cached[0] is not searcher:
            reader = searcher.reader()
            cached = (searcher, max(reader.doc_frequency(f, term) for f in fields))
            if len(self._frequencies) > 500_000:
                self._frequencies.clear()
            self._frequencies[key] = cached
        return cached[1]

    def near_terms(self, term: str) -> list[str]:
        """Indexed terms within the typo allowance of ``term`` (same first letter)."""
        limit = typo_allowance(term)
        bucket = self._vocab()[1].get(term[:1], ())
        return sorted(t for t in bucket if abs(len(t) - len(term)) <= limit and edit_distance(term, t, limit) <= limit)

    def _vocab(self) -> tuple[frozenset[str], dict[str, set[str]]]:
        manifest = self.manifest()
        with self._lock:
            if self._vocabulary is None or self._vocabulary[0] is not manifest:
                words: set[str] = set()
                for shard in self.shards():
                    searcher = self.searcher(shard)
                    if searcher is None:
                        continue
                    reader = searcher.reader()
                    for fieldname in TEXT_FIELDS:
                        words.update(t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(fieldname))
                buckets: dict[str, set[str]] = defaultdict(set)
                for w in words:
                    buckets[w[:1]].add(w)
                self._vocabulary = (manifest, frozenset(words), dict(buckets))
            return self._vocabulary[1], self._vocabulary[2]

    def close(self) -> None:
        with self._lock:
            self._close_searchers()
            self._vocabulary = None
            self._manifest = None
            self._searchers_of = None

    # --- writing -------------------------------------------------------------
    def rebuild(self, docs: list[dict], fingerprint: list) -> Manifest:
        """Write every shard afresh from ``docs`` into a new directory, then swap it in."""
        by_shard: dict[str, list[dict]] = defaultdict(list)
        for doc in docs:
            by_shard[doc["shard"]].append(doc)
        staging = self._staging()
        _write_shards(str(staging), sorted(by_shard.items(), key=lambda kv: -len(kv[1])))
        return self._swap_in(staging, {doc["id"]: doc["shard"] for doc in docs}, fingerprint)

    def rebuild_parallel(self, database_url: str, groups: list[list[int]], fingerprint: list) -> Manifest:
        """Like :meth:`rebuild`, with one process per group of service ids: each
        builds its own documents from the database and writes its own shards
        (the groups never share a shard)."""
        staging = self._staging()
        with ProcessPoolExecutor(len(groups)) as pool:
            parts = list(pool.map(_build_and_write, [database_url] * len(groups), groups, [str(staging)] * len(groups)))
        mapping = {sid: shard for part in parts for sid, shard in part.items()}
        return self._swap_in(staging, mapping, fingerprint)

    def _staging(self) -> Path:
        staging = self.directory.with_name(self.directory.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        return staging

    def _swap_in(self, staging: Path, mapping: dict[str, str], fingerprint: list) -> Manifest:
        counts: dict[str, int] = defaultdict(int)
        for shard in mapping.values():
            counts[shard] += 1
        manifest = Manifest(built_at=time.time(), fingerprint=list(fingerprint), counts=dict(counts))
        new = SearchIndex(staging)
        new._write_shard_map(mapping)
        new.write_manifest(manifest)
        with self._lock:
            self.close()
            backup = self.directory.with_name(self.directory.name + ".old")
            shutil.rmtree(backup, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(backup)
            staging.rename(self.directory)
            shutil.rmtree(backup, ignore_errors=True)
        return manifest

    def apply(self, upserts: list[dict], deletes: list[str], fingerprint: list) -> None:
        """Write changed documents and remove deleted ones (after a commit)."""
        if not self.exists():
            return  # nothing to keep current; `search reindex` builds it
        with self._lock:
            mapping = self.shard_map()
            manifest = self.manifest() or Manifest()
            touched: dict[str, tuple[list[dict], list[str]]] = defaultdict(lambda: ([], []))
            for sid in deletes:
                if sid in mapping:
                    touched[mapping.pop(sid)][1].append(sid)
            for doc in upserts:
                old = mapping.get(doc["id"])
                if old and old != doc["shard"]:
                    touched[old][1].append(doc["id"])
                touched[doc["shard"]][0].append(doc)
                mapping[doc["id"]] = doc["shard"]
            for shard, (docs, removed) in touched.items():
                if whoosh_index.exists_in(self.directory, indexname=shard):
                    ix = whoosh_index.open_dir(self.directory, indexname=shard, schema=self.schema)
                else:
                    ix = whoosh_index.create_in(self.directory, self.schema, indexname=shard)
                with ix.writer(timeout=30) as writer:
                    for sid in removed:
                        writer.delete_by_term("id", sid)
                    for doc in docs:
                        writer.update_document(**to_whoosh(doc))
                with ix.searcher() as s:
                    manifest.counts[shard] = s.doc_count()
            manifest.counts = {k: v for k, v in manifest.counts.items() if v}
            manifest.fingerprint = list(fingerprint)
            self._write_shard_map(mapping)
            self.write_manifest(manifest)

    def stored(self) -> dict[str, dict]:
        """Every indexed document's stored fields, by service id (for ``check``)."""
        found = {}
        for shard in self.shards():
            searcher = self.searcher(shard)
            if searcher is None:
                continue
            for fields in searcher.all_stored_fields():
                found[fields["id"]] = dict(fields, shard=shard)
        return found


def _build_and_write(database_url: str, service_ids: list[int], directory: str) -> dict[str, str]:
    """In a worker process: build the documents of these services from the
    database and write their shards. Returns service id -> shard."""
    engine = create_engine(
        database_url, **engine_options(database_url, os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite"))
    )
    prepare_engine(engine)
    try:
        with Session(engine) as session:
            docs = build_documents(session, service_ids)
    finally:
        engine.dispose()
    by_shard: dict[str, list[dict]] = defaultdict(list)
    for doc in docs:
        by_shard[doc["shard"]].append(doc)
    _write_shards(directory, sorted(by_shard.items(), key=lambda kv: -len(kv[1])))
    return {doc["id"]: doc["shard"] for doc in docs}


def _write_shards(directory: str, jobs: list[tuple[str, list[dict]]]) -> None:
    schema = make_schema()
    for shard, docs in jobs:
        ix = whoosh_index.create_in(directory, schema, indexname=shard)
        writer = ix.writer(limitmb=256)
        for doc in docs:
            writer.add_document(**to_whoosh(doc))
        writer.commit()


_registry: dict[str, SearchIndex] = {}
_registry_lock = threading.Lock()


def index_at(directory: str | os.PathLike) -> SearchIndex:
    """One SearchIndex object per directory in this process (shares searchers)."""
    key = str(Path(directory).resolve())
    with _registry_lock:
        if key not in _registry:
            _registry[key] = SearchIndex(key)
        return _registry[key]
