"""Files the browser fetches by URL instead of receiving them in every script run.

Streamlit serves the folder `static/` beside the main script at `app/static/` (`server.enableStaticServing`).
Each file's name says which version of its content it holds (Plotly's bundle: its version; map data: a hash of
the content), so a browser or proxy may cache it for good, and changed content comes under a new name.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

ROUTE = "app/static"  # relative to the page, so the app may sit under a path prefix behind a proxy

log = logging.getLogger(__name__)


def publish(static_dir: Path, name: str, content: Callable[[], str]) -> str | None:
    """Write `content()` to `static_dir/name` unless the file is already there, and return its URL relative to
    the page; None, with the reason logged, when the folder cannot be written (callers then send the content
    inline)."""
    target = static_dir / name
    try:
        if not target.is_file():
            static_dir.mkdir(parents=True, exist_ok=True)
            # Written beside its final name and renamed: replicas starting together never serve half a file.
            handle, partial = tempfile.mkstemp(dir=static_dir, suffix=".partial")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(content())
                os.chmod(partial, 0o644)
                os.replace(partial, target)
            finally:
                Path(partial).unlink(missing_ok=True)
    except OSError as problem:
        log.warning("%s could not be written to %s (%s); its content is sent inline", name, static_dir, problem)
        return None
    return f"{ROUTE}/{name}"


def content_name(stem: str, text: str, suffix: str) -> str:
    """`<stem>-<the first 12 hex digits of the text's SHA-256><suffix>`."""
    return f"{stem}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}{suffix}"
