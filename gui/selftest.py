"""``leadloader --self-test``: prove this installation works end to end, then exit.

Run by CI on the frozen app (PyInstaller builds are known to lose keyring backends, Qt
plugins and data files) and useful to a user whose copy misbehaves. Each check prints one
line (``ok``, ``FAILED`` or a plain note) and the exit code is 0 when every required check
passed. It touches nothing of the user's: the journal lives in a temporary folder, the
upload goes to an in-process sandbox (no network), and the keyring round trip uses its own
service name (``LeadLoader-selftest``).

A missing keyring backend is not a failure (the app then offers session-only keys) unless
``LEADLOADER_REQUIRE_KEYRING=1`` says this machine must have one, as CI does inside its
Secret Service session.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

SELFTEST_SERVICE = "LeadLoader-selftest"
SAMPLE = "sample_leads.csv"
# The sample's deliberately broken address: validation must flag its row.
BROKEN_EMAIL = "jordan.blake(at)northwind.example.com"


class CheckError(Exception):
    """A check found something wrong; the message says what."""


class Note(Exception):  # noqa: N818 - not an error: a plain-words remark that still passes
    """A check could not run here for a reason that is not a fault of the installation."""


@dataclass
class _Context:
    """What one check hands to the next (the sheet, the leads...)."""

    resources: Path | None = None
    frame: Any = None
    leads: list[Any] | None = None
    job_parts: dict[str, Any] | None = None


def _check_resources(ctx: _Context) -> str:
    from gui.core.paths import resource_dir

    try:
        folder = resource_dir()
    except FileNotFoundError as exc:
        raise CheckError(str(exc)) from None
    missing = [name for name in (SAMPLE, "icons/app.png", "icons/app.svg") if not (folder / name).is_file()]
    if missing:
        raise CheckError(f"{folder} lacks {', '.join(missing)}")
    ctx.resources = folder
    return str(folder)


def _check_sheet(ctx: _Context) -> str:
    from gui.core.sheets.load import load_sheet

    if ctx.resources is None:
        raise CheckError("no resources folder")
    sheet = load_sheet(ctx.resources / SAMPLE)
    frame = sheet.frame
    if len(frame) < 20:
        raise CheckError(f"read {len(frame)} rows from {SAMPLE}, expected at least 20")
    cells = {str(v) for v in frame.to_numpy().ravel()}
    if "02134" not in cells:
        raise CheckError("the ZIP 02134 lost its leading zero")
    if not any(c.startswith("+1 ") for c in cells):
        raise CheckError("phone numbers lost their +")
    ctx.frame = frame
    return f"{len(frame)} rows x {frame.shape[1]} columns, text kept as written"


def _check_mapping(ctx: _Context) -> str:
    from gui.core.mapping.payload import build_leads
    from gui.core.mapping.suggest import suggest_mapping
    from gui.core.providers import get_spec
    from gui.core.validation.checker import validate

    spec = get_spec("lemlist")
    frame = ctx.frame
    if frame is None:
        raise CheckError("no sheet")
    column_mapping = suggest_mapping(frame, spec).mapping
    summary = column_mapping.summary()
    if "email" not in summary.values():
        raise CheckError(f"no column was mapped to email (mapping: {summary})")
    checked = validate(frame, column_mapping, spec, destination_kind="campaign", default_region="US")
    invalid = {int(row): "; ".join(checked.row_messages(int(row))) for row in checked.error_rows.nonzero()[0]}
    broken = [i for i, v in enumerate(frame.to_numpy().tolist()) if BROKEN_EMAIL in v]
    if not broken or broken[0] not in invalid:
        raise CheckError("the broken email of the sample was not flagged")
    valid_rows = [row for row in range(len(frame)) if row not in invalid]
    leads = build_leads(frame, column_mapping, spec, rows=valid_rows)
    if len(leads) != len(valid_rows):
        raise CheckError(f"built {len(leads)} leads from {len(valid_rows)} valid rows")
    ctx.leads = list(leads)
    ctx.job_parts = {"invalid": invalid, "mapping": summary}
    return f"{len(summary)} columns mapped, {len(invalid)} rows flagged, {len(leads)} leads ready"


def _check_upload(ctx: _Context) -> str:
    from gui.core.journal import Journal
    from gui.core.providers import make_client
    from gui.core.upload import run_upload
    from gui.core.upload_job import UploadJob
    from gui.sandbox.app import create_sandbox
    from gui.sandbox.demo import DemoTransport
    from gui.sandbox.seed import LEMLIST_CAMPAIGN

    if ctx.leads is None or ctx.job_parts is None or ctx.frame is None:
        raise CheckError("no leads to send")
    sandbox = create_sandbox()
    job = UploadJob(
        provider="lemlist",
        destination=LEMLIST_CAMPAIGN,
        destination_name="self-test",
        account="self-test",
        leads=tuple(ctx.leads),
        invalid=ctx.job_parts["invalid"],
        total_rows=len(ctx.frame),
        options={},
        mapping=ctx.job_parts["mapping"],
        fingerprint=f"selftest-{uuid.uuid4().hex}",
        file_name=SAMPLE,
    )
    with tempfile.TemporaryDirectory(prefix="leadloader-selftest-") as folder:
        journal = Journal(Path(folder) / "journal.sqlite3")
        try:
            report = run_upload(
                job,
                lambda: make_client(
                    "lemlist", "sandbox-selftest", transport=DemoTransport("lemlist", sandbox=sandbox)
                ),
                journal=journal,
            )
        finally:
            journal.close()
    summary = report.summary
    stored = sandbox.ledger.count("lemlist", LEMLIST_CAMPAIGN)
    if report.fatal:
        raise CheckError(report.fatal)
    if summary.uploaded != len(ctx.leads) or stored != len(ctx.leads) or summary.failed:
        raise CheckError(
            f"{summary.uploaded} uploaded, {summary.failed} failed, {stored} in the sandbox "
            f"(expected {len(ctx.leads)})"
        )
    return f"{summary.uploaded} uploaded to the in-process sandbox, {summary.invalid} invalid kept back"


def _check_keyring(_ctx: _Context) -> str:
    import keyring

    from gui.core.credentials import CredentialStore

    store = CredentialStore(service=SELFTEST_SERVICE)
    if not store.available():
        reason = store.unavailable_reason()
        if os.environ.get("LEADLOADER_REQUIRE_KEYRING") == "1":
            raise CheckError(f"no keyring backend, but LEADLOADER_REQUIRE_KEYRING=1: {reason}")
        raise Note(f"no keyring backend here: {reason}")
    backend = keyring.get_keyring()
    account = f"selftest-{uuid.uuid4().hex[:8]}"
    value = f"selftest-{uuid.uuid4().hex}"
    try:
        backend.set_password(SELFTEST_SERVICE, account, value)
        got = backend.get_password(SELFTEST_SERVICE, account)
        backend.delete_password(SELFTEST_SERVICE, account)
        after = backend.get_password(SELFTEST_SERVICE, account)
    except Exception as exc:
        raise CheckError(f"{store.backend_name()}: {type(exc).__name__}: {exc}") from None
    if got != value:
        raise CheckError(f"{store.backend_name()} gave back a different value")
    if after is not None:
        raise CheckError(f"{store.backend_name()} kept the entry after delete")
    return f"set, get, delete round trip on {store.backend_name()}"


def _check_qt(ctx: _Context) -> str:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication, QIcon, QImage

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] or "leadloader"])
    if ctx.resources is None:
        raise CheckError("no resources folder")
    png = QImage(str(ctx.resources / "icons" / "app.png"))
    svg = QImage(str(ctx.resources / "icons" / "app.svg"))
    if png.isNull():
        raise CheckError("the app icon (PNG) did not load: Qt image plugins missing?")
    if svg.isNull():
        raise CheckError("the SVG icon did not load: the Qt SVG plugin is missing")
    if QIcon(str(ctx.resources / "icons" / "app.png")).isNull():
        raise CheckError("QIcon could not use the app icon")
    platform = QGuiApplication.platformName() if app else "?"
    return f"platform {platform}, icons {png.width()}px PNG and SVG load"


CHECKS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("resources", _check_resources),
    ("sheet", _check_sheet),
    ("mapping", _check_mapping),
    ("upload", _check_upload),
    ("keyring", _check_keyring),
    ("qt", _check_qt),
)


def _fallback_out() -> TextIO:
    """A windowed Windows app has no stdout: write the report to a file in the logs folder."""
    from gui.core.paths import home

    folder = home() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return (folder / "selftest.txt").open("w", encoding="utf-8")


def run_self_test(out: TextIO | None = sys.stdout) -> int:
    """Run every check, print one line each, return 0 when all required checks passed."""
    stream = out if out is not None else _fallback_out()
    ctx = _Context()
    failures = 0
    started = time.perf_counter()
    print(
        f"LeadLoader self-test ({'frozen app' if getattr(sys, 'frozen', False) else 'from source'})",
        file=stream,
    )
    for name, check in CHECKS:
        t0 = time.perf_counter()
        try:
            detail = check(ctx)
            status = "ok"
        except Note as note:
            status, detail = "note", str(note)
        except CheckError as exc:
            status, detail = "FAILED", str(exc)
        except Exception as exc:
            status = "FAILED"
            detail = f"{type(exc).__name__}: {exc}"
            if os.environ.get("LEADLOADER_SELFTEST_TRACE") == "1":
                traceback.print_exc(file=stream)
        if status == "FAILED":
            failures += 1
        ms = (time.perf_counter() - t0) * 1000
        print(f"{status:<6} {name:<9} {detail} ({ms:.0f} ms)", file=stream)
    verdict = "all checks passed" if not failures else f"{failures} check(s) FAILED"
    print(f"{verdict} in {time.perf_counter() - started:.2f} s", file=stream)
    stream.flush()
    if out is None:
        stream.close()
    return 0 if not failures else 1
