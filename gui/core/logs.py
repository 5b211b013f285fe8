"""Pure Python: the diagnostic log a user can attach to a support request, with keys redacted.

Every API key the app handles is registered here (:func:`register_secret`); a filter on the
log handlers replaces each one with ``***`` in the message, its arguments, the traceback
text and the stack text, so the log file is safe to send to anyone. Authorization header
values are masked by pattern too, in case a library logs a request before we see its key.
"""

from __future__ import annotations

import logging
import re
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from gui.core.paths import home

MASK = "***"
LOG_NAME = "leadloader.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

_lock = threading.Lock()
_secrets: set[str] = set()
# Longest first, so a key that contains another registered key is masked whole.
_ordered: tuple[str, ...] = ()
# Header values that carry a credential, whatever library formats them.
_HEADER_PATTERN = re.compile(
    r"(?i)(\b(?:authorization|x-api-key|api[-_]?key)\b[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+)?)"
    r"[^\s\"',;}]+"
)
_SCHEME_PATTERN = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")


def register_secret(value: str) -> None:
    """Mask ``value`` in every log record from now on (for the life of the process).

    Blank values are ignored: masking the empty string would mean nothing, and masking
    whitespace would wreck every line.
    """
    global _ordered  # noqa: PLW0603 - one process-wide registry, swapped whole under the lock
    value = value.strip()
    if not value:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))


def redact(text: str) -> str:
    """``text`` with every registered secret and every credential header value replaced by ``***``."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _HEADER_PATTERN.sub(lambda m: m.group(1) + MASK, text)
    return _SCHEME_PATTERN.sub(lambda m: f"{m.group(1)} {MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so no handler after it can see a secret."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message (with its arguments merged in), the traceback and the stack text."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad %-format: keep what can be read
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatting the traceback here (instead of in the handler's formatter) is the only
            # way to redact it: the formatter reuses exc_text when it is already set.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()
_level_before: int | None = None


def redacting_filter() -> logging.Filter:
    """The shared filter, for a handler someone adds later (a GUI log pane, a stderr handler)."""
    return _FILTER


def log_path() -> Path:
    """Where the diagnostic log lives: ``<LEADLOADER_HOME>/logs/leadloader.log``."""
    return home() / "logs" / LOG_NAME


def setup_logging(*, level: int = logging.INFO) -> Path:
    """Send the app's log records to a rotating file (1 MB x 3) and return its path.

    Calling it again (a second window, a test) reuses the handler for the same file rather
    than adding a duplicate; a handler for a different home (tests move it) is replaced.
    Every handler already on the root logger gets the redaction filter too, so a console
    handler added by a library cannot print a key.
    """
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    global _level_before  # noqa: PLW0603 - what close_logging() puts back
    if _level_before is None:
        _level_before = root.level
    root.setLevel(level)
    ours = None
    for handler in list(root.handlers):
        if getattr(handler, "_leadloader", False):
            if Path(getattr(handler, "baseFilename", "")) == path:
                ours = handler
                continue
            root.removeHandler(handler)
            handler.close()
    if ours is None:
        ours = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        ours._leadloader = True  # type: ignore[attr-defined]
        ours.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
        )
        # First, so the records it rewrites are already clean for every handler after it.
        root.handlers.insert(0, ours)
    ours.setLevel(level)
    for each in root.handlers:
        if _FILTER not in each.filters:
            each.addFilter(_FILTER)
    # httpx logs every request URL at INFO; URLs hold no key, but keep the file about our app.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    logging.getLogger("httpcore").setLevel(max(level, logging.WARNING))
    return path


def close_logging() -> None:
    """Detach and close the file handler and restore the root level (tests, a clean shutdown)."""
    global _level_before  # noqa: PLW0603 - see setup_logging()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_leadloader", False):
            root.removeHandler(handler)
            handler.close()
    if _level_before is not None:
        root.setLevel(_level_before)
        _level_before = None
