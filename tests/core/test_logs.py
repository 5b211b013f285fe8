from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.core import logs
from gui.core.logs import redact, register_secret, setup_logging


@pytest.fixture
def log_file(leadloader_home: Path) -> Iterator[Path]:
    path = setup_logging(level=logging.DEBUG)
    yield path
    logs.close_logging()


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_log_lives_under_home(log_file: Path, leadloader_home: Path) -> None:
    assert log_file == leadloader_home / "logs" / "leadloader.log"
    logging.getLogger("gui.test").info("hello %s", "world")
    assert "hello world" in read(log_file)


def test_setup_twice_adds_one_handler(log_file: Path) -> None:
    assert setup_logging() == log_file
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_leadloader", False)]
    assert len(ours) == 1


def test_registered_key_never_reaches_the_file(log_file: Path) -> None:
    key = f"sandbox-PLANTED-{uuid.uuid4().hex}"
    register_secret(key)
    log = logging.getLogger("gui.core.upload")
    log.info("sending with key %s", key)
    log.warning(f"key inline {key}")
    log.info("dict arg %(k)s", {"k": key})
    try:
        raise RuntimeError(f"boom {key}")
    except RuntimeError:
        log.exception("failed for %s", key)
    log.info("stack", stack_info=True, extra={"note": key})
    text = read(log_file)
    assert key not in text
    assert text.count(logs.MASK) >= 5
    assert "RuntimeError: boom ***" in text


def test_redact_patterns_without_registration() -> None:
    assert redact("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"
    assert redact("headers={'x-api-key': 'zzzzzzzzzz'}") == "headers={'x-api-key': '***'}"
    assert redact("Basic OmFiY2RlZmdoaWprbG1ub3A=") == "Basic ***"
    assert redact("nothing secret here") == "nothing secret here"


def test_longest_secret_masked_whole() -> None:
    short, long_ = f"s-{uuid.uuid4().hex[:8]}", None
    long_ = short + "-extra"
    register_secret(short)
    register_secret(long_)
    assert redact(f"[{long_}] [{short}]") == "[***] [***]"


def test_blank_secret_ignored() -> None:
    register_secret("   ")
    assert redact("a b c") == "a b c"


def test_rotates_at_one_megabyte(log_file: Path) -> None:
    log = logging.getLogger("gui.test")
    line = "x" * 1000
    for _ in range(2500):
        log.info(line)
    files = sorted(p.name for p in log_file.parent.iterdir())
    assert files[:3] == ["leadloader.log", "leadloader.log.1", "leadloader.log.2"]
    assert all(p.stat().st_size <= logs.MAX_BYTES + 2000 for p in log_file.parent.iterdir())
    assert len(files) <= 1 + logs.BACKUPS


def test_other_root_handlers_get_the_filter(log_file: Path) -> None:
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.handlers.insert(0, handler)  # before ours: it must be filtered itself
    try:
        setup_logging(level=logging.DEBUG)  # same file: reuses, but also filters the new handler
        key = f"k-{uuid.uuid4().hex}"
        register_secret(key)
        logging.getLogger("x").warning("key=%s", key)
        assert key not in stream.getvalue()
    finally:
        root.removeHandler(handler)


def test_close_restores_the_root_level(leadloader_home: Path) -> None:
    root = logging.getLogger()
    before = root.level
    setup_logging(level=logging.DEBUG)
    assert root.level == logging.DEBUG
    logs.close_logging()
    assert root.level == before
    assert not [h for h in root.handlers if getattr(h, "_leadloader", False)]
