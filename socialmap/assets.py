"""Static files under content-hashed URLs: compressed once, cached for a year.

``url_for("static", filename="css/site.css")`` gives
``/static/<digest>/css/site.css``, where the digest is a hash of the file's
bytes; a changed file gets a new URL, so browsers may keep every URL for a
year (``immutable``). Leaflet and its cluster plugin get one digest per
library (``/kaart/lib/leaflet/<digest>/leaflet.css``) because their CSS
refers to images by relative paths. A request with an old or missing digest
still gets the current file, with ``no-cache``.

Each file is read, hashed and compressed (brotli and gzip) once per process,
on first use; the response carries the encoding the browser prefers.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_COMPRESS = 500


@dataclass(frozen=True)
class Asset:
    body: bytes
    mimetype: str
    digest: str
    encoded: dict[str, bytes]  # "br" / "gzip" -> compressed body (only when smaller)


def _compress(body: bytes, mimetype: str) -> dict[str, bytes]:
    if len(body) < MIN_COMPRESS or not mimetype.startswith(COMPRESSIBLE):
        return {}
    encoded = {"gzip": gzip.compress(body, compresslevel=9, mtime=0)}
    try:
        import brotli  # optional: without it the assets are served gzip-compressed only

        encoded["br"] = brotli.compress(body, quality=11)
    except ImportError:  # brotli comes with Flask-Compress; gzip alone is fine
        pass
    return {name: data for name, data in encoded.items() if len(data) < len(body)}


class AssetDirectory:
    """The files under one folder, each read and prepared once."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._assets: dict[str, Asset | None] = {}
        self._lock = threading.Lock()
        self._tree_digest: str | None = None

    def get(self, filename: str) -> Asset | None:
        with self._lock:
            if filename not in self._assets:
                self._assets[filename] = self._load(filename)
            return self._assets[filename]

    def _load(self, filename: str) -> Asset | None:
        path = safe_join(str(self.root), filename)
        if path is None or not Path(path).is_file():
            return None
        body = Path(path).read_bytes()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype == "application/javascript":
            mimetype = ("text/javascript" if mimetype == "application/javascript" else mimetype) + "; charset=utf-8"
        return Asset(body, mimetype, hashlib.sha256(body).hexdigest()[:12], _compress(body, mimetype))

    def digest(self, filename: str) -> str:
        asset = self.get(filename)
        return asset.digest if asset else "0"

    def tree_digest(self) -> str:
        """One digest for the whole folder (names and bytes of every file)."""
        if self._tree_digest is None:
            h = hashlib.sha256()
            for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
                h.update(str(path.relative_to(self.root)).encode() + b"\0" + path.read_bytes())
            self._tree_digest = h.hexdigest()[:12]
        return self._tree_digest


def respond(asset: Asset | None, current: bool) -> Response:
    """The asset in the encoding the browser prefers; cached for a year when
    ``current`` (the URL carried the asset's own digest)."""
    if asset is None:
        abort(404)
    encoding = next((name for name in ("br", "gzip") if name in asset.encoded and request.accept_encodings[name]), None)
    body = asset.encoded[encoding] if encoding else asset.body
    response = Response(body, mimetype=None, content_type=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(asset.digest + (f"-{encoding}" if encoding else ""))
    if current:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)
