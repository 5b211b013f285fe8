"""Plant unique keys, run the app's real paths, then grep everything it wrote: no key may be there.

Covered: an upload that succeeds (in-process through the engine, the keyring, the settings,
the log and both report formats; and the ``leadloader upload`` CLI in a subprocess), an
upload the provider refuses (401), and a CLI process killed with SIGKILL mid-upload. Then
every file under LEADLOADER_HOME (journal and its WAL, logs, settings, presets, reports) and
every report written elsewhere is searched for each key, raw and in the encodings a key
travels in (the Basic auth header lemlist uses, URL-quoting).
"""

from __future__ import annotations

import base64
import csv
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[1]
CAMPAIGN = "cam_sandboxQ4Outbound1"


def key_forms(key: str) -> list[bytes]:
    """Every way the key could land in a file."""
    forms = {
        key,
        base64.b64encode(f":{key}".encode()).decode(),  # lemlist's Basic auth header value
        quote(key, safe=""),
    }
    return sorted({f.encode("utf-8") for f in forms} | {key.encode("utf-16-le")})


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in root.rglob("*") if p.is_file())


def assert_no_key(keys: list[str], *roots: Path) -> list[Path]:
    searched = list(files_under(*roots))
    for path in searched:
        data = path.read_bytes()
        for key in keys:
            for form in key_forms(key):
                assert form not in data, f"{path} holds a planted key ({form[:12]!r}...)"
    return searched


def write_leads(path: Path, count: int, prefix: str = "lead") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First Name", "Last Name", "Company", "Phone"])
        for i in range(count):
            writer.writerow([f"{prefix}{i:05d}@acme{i % 7}.example.com", f"First{i}", f"Last{i}", "Acme", ""])
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "gui", *args]


def cli_env(key: str) -> dict[str, str]:
    env = dict(os.environ)
    env["LEADLOADER_API_KEY"] = key
    env["PYTHONPATH"] = str(REPO)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # never the developer's real keyring
    return env


@pytest.fixture
def planted() -> dict[str, str]:
    tag = uuid.uuid4().hex
    return {
        "ok": f"sandbox-PLANTED-{tag}",
        "cli": f"sandbox-PLANTED-CLI-{tag}",
        "wrong": f"PLANTED-WRONG-{tag}",
        "crash": f"sandbox-PLANTED-CRASH-{tag}",
    }


def test_in_process_upload_keeps_keys_off_disk(
    sandbox, leadloader_home: Path, tmp_path: Path, planted: dict[str, str]
) -> None:
    from gui.core.credentials import CredentialStore
    from gui.core.identity import file_fingerprint
    from gui.core.journal import Journal
    from gui.core.logs import close_logging, setup_logging
    from gui.core.mapping.payload import build_leads
    from gui.core.mapping.suggest import suggest_mapping
    from gui.core.providers import get_spec, make_client
    from gui.core.report import export_results
    from gui.core.settings import load_settings, save_settings
    from gui.core.sheets.load import load_sheet
    from gui.core.upload import run_upload
    from gui.core.upload_job import UploadJob

    setup_logging(level=logging.DEBUG)
    try:
        settings = load_settings()
        store = CredentialStore(settings=settings)
        account = store.add("lemlist", "Planted", planted["ok"])
        settings.remember_destination("lemlist", account=account.label, campaign=CAMPAIGN)
        save_settings(settings)

        source = write_leads(tmp_path / "leads.csv", 12)
        frame = load_sheet(source).frame
        spec = get_spec("lemlist")
        column_mapping = suggest_mapping(frame, spec).mapping
        leads = build_leads(frame, column_mapping, spec, rows=list(range(len(frame))))
        key = store.get_key(account)
        job = UploadJob(
            provider="lemlist",
            destination=CAMPAIGN,
            destination_name="Q4",
            account=account.label,
            leads=tuple(leads),
            invalid={},
            total_rows=len(frame),
            options={},
            mapping=column_mapping.summary(),
            fingerprint=file_fingerprint(source),
            file_name=source.name,
        )
        journal = Journal()
        try:
            report = run_upload(job, lambda: make_client("lemlist", key), journal=journal)
        finally:
            journal.close()
        assert report.summary.uploaded == 12, report.summary
        logging.getLogger("gui.test").error("a failure that quotes the key %s", key)

        # the refused key (401), in process too
        bad_job = replace(job, fingerprint="other", resume=False, skip_already_uploaded=False)
        journal = Journal()
        try:
            refused = run_upload(bad_job, lambda: make_client("lemlist", planted["wrong"]), journal=journal)
        finally:
            journal.close()
        assert refused.fatal, "the wrong key must stop the run"
        logging.getLogger("gui.test").warning("refused: %s", refused.fatal)

        (leadloader_home / "reports").mkdir()
        export_results(frame, report.outcomes, leadloader_home / "reports" / "all.xlsx")
        export_results(frame, refused.outcomes, tmp_path / "refused.csv")
    finally:
        close_logging()

    searched = assert_no_key([planted["ok"], planted["wrong"]], leadloader_home, tmp_path / "refused.csv")
    names = {p.name for p in searched}
    assert {"leadloader.log", "settings.json", "all.xlsx", "refused.csv"} <= names
    assert any(n.startswith("journal") for n in names)
    assert "***" in (leadloader_home / "logs" / "leadloader.log").read_text()


@pytest.mark.slow
def test_cli_upload_refusal_and_crash_keep_keys_off_disk(
    sandbox_factory, leadloader_home: Path, tmp_path: Path, planted: dict[str, str]
) -> None:
    fast = sandbox_factory()
    source = write_leads(tmp_path / "leads.csv", 10)
    outside_report = tmp_path / "out" / "report.csv"
    outside_report.parent.mkdir()

    done = subprocess.run(
        cli("upload", str(source), "--provider", "lemlist", "--campaign", CAMPAIGN, "--allow-empty-tags",
            "--report", str(outside_report)),
        env=cli_env(planted["cli"]), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"uploaded":10' in done.stdout
    assert fast.ledger.count("lemlist", CAMPAIGN) == 10
    assert planted["cli"] not in done.stdout + done.stderr

    others = write_leads(tmp_path / "others.csv", 10, prefix="other")  # not uploaded before: really sent
    refused = subprocess.run(
        cli("upload", str(others), "--provider", "lemlist", "--campaign", CAMPAIGN, "--allow-empty-tags",
            "--report", str(leadloader_home / "refused.xlsx"), "--no-resume"),
        env=cli_env(planted["wrong"]), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert refused.returncode == 3, refused.stderr
    assert planted["wrong"] not in refused.stdout + refused.stderr

    # a slow provider, so the process is surely mid-upload when it is killed
    slow = sandbox_factory(latency_ms=250)
    big = write_leads(tmp_path / "big.csv", 400, prefix="big")
    proc = subprocess.Popen(
        cli("upload", str(big), "--provider", "lemlist", "--campaign", CAMPAIGN, "--allow-empty-tags"),
        env=cli_env(planted["crash"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while slow.ledger.count("lemlist", CAMPAIGN) < 5 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            time.sleep(0.05)
        assert slow.ledger.count("lemlist", CAMPAIGN) >= 5, "the upload never started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert proc.returncode == -signal.SIGKILL
    assert slow.ledger.count("lemlist", CAMPAIGN) < 400

    keys = [planted["cli"], planted["wrong"], planted["crash"]]
    searched = assert_no_key(keys, leadloader_home, outside_report)
    names = {p.name for p in searched}
    assert {"report.csv", "refused.xlsx"} <= names  # the log file exists only once something is logged
    assert any(n.startswith("journal") for n in names)


def test_the_grep_finds_a_key_where_there_is_one(tmp_path: Path, planted: dict[str, str]) -> None:
    key = planted["ok"]
    for i, form in enumerate(key_forms(key)):
        (tmp_path / f"f{i}.bin").write_bytes(b"header " + form + b" trailer")
        with pytest.raises(AssertionError, match="holds a planted key"):
            assert_no_key([key], tmp_path)
        (tmp_path / f"f{i}.bin").unlink()
    assert_no_key([key], tmp_path)
