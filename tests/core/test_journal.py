"""The journal: identity keys, run records, row states, resume offers, durability across a kill."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gui.core.domain import Lead, RowOutcome, RunSummary, Status
from gui.core.identity import file_fingerprint, lead_key
from gui.core.journal import UNANSWERED_REASON, Journal, JournalError
from gui.core.providers import get_spec

LEMLIST = get_spec("lemlist")


def start(journal: Journal, **over: object) -> int:
    fields: dict[str, object] = {
        "fingerprint": "10:abc",
        "file_name": "leads.csv",
        "provider": "lemlist",
        "account": "Work",
        "destination": "cam_1",
        "destination_name": "Q4",
        "mapping": {"Email": "email"},
        "options": {"deduplicate": True},
        "total": 5,
    }
    fields.update(over)
    return journal.start_run(**fields).id  # type: ignore[arg-type]


def test_fingerprint_follows_content_not_name(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_bytes(b"Email\nx@y.com\n")
    b = tmp_path / "renamed.csv"
    b.write_bytes(a.read_bytes())
    assert file_fingerprint(a) == file_fingerprint(b)
    assert file_fingerprint(a).startswith("14:")
    b.write_bytes(b"Email\nx@y.con\n")
    assert file_fingerprint(a) != file_fingerprint(b)


def test_lead_key_normalises_the_providers_identity() -> None:
    assert lead_key(Lead(0, {"email": " Ann@Example.COM "}), LEMLIST) == "email:ann@example.com"
    only_linkedin = Lead(1, {"linkedinUrl": "https://fr.linkedin.com/in/Ann-B/?trk=x"})
    assert lead_key(only_linkedin, LEMLIST) == "linkedin:linkedin.com/in/ann-b"
    # SendPilot dedupes by LinkedIn URL, so it wins over the email there.
    sendpilot = get_spec("sendpilot")
    both = Lead(2, {"email": "a@b.co", "linkedinUrl": "www.linkedin.com/in/ann-b"})
    assert lead_key(both, sendpilot) == "linkedin:linkedin.com/in/ann-b"
    assert lead_key(both, LEMLIST) == "email:a@b.co"
    aktify = get_spec("aktify")
    phone_lead = Lead(3, {"phoneNumber": "+1 (555) 010-2000", "region": "CA"})
    assert lead_key(phone_lead, aktify) == "phone:+15550102000"


def test_lead_key_agrees_with_how_answers_are_attributed() -> None:
    # Regional, mobile and percent-escaped forms of one profile are one lead, as for the clients.
    from gui.core.providers.attribution import linkedin_key

    sendpilot = get_spec("sendpilot")
    forms = [
        "https://de-de.linkedin.com/in/J%C3%A9r%C3%B4me/",
        "http://mobile.linkedin.com/in/jérôme",
        "linkedin.com/in/Jérôme?trk=x",
    ]
    keys = {lead_key(Lead(i, {"linkedinUrl": url}), sendpilot) for i, url in enumerate(forms)}
    assert keys == {"linkedin:" + linkedin_key(forms[0])} == {"linkedin:linkedin.com/in/jérôme"}


def test_lead_key_without_identity_is_a_stable_hash_of_all_values() -> None:
    a = Lead(0, {"firstName": "Ann"}, {"score": "5"})
    assert re.fullmatch(r"hash:[0-9a-f]{32}", lead_key(a, LEMLIST))
    assert lead_key(a, LEMLIST) == lead_key(Lead(9, {"firstName": "Ann"}, {"score": "5"}), LEMLIST)
    assert lead_key(a, LEMLIST) != lead_key(Lead(0, {"firstName": "Ann"}, {"score": "6"}), LEMLIST)


def test_row_states_track_sending_then_outcome(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    run = start(journal)
    journal.mark_sending(run, [0, 1], ["email:a", "email:b"])
    assert journal.unanswered(run) == {0, 1}
    journal.record(run, [RowOutcome(0, Status.UPLOADED, provider_id="lea_1")], ["email:a"])
    states = journal.row_states(run)
    assert states[0] == RowOutcome(0, Status.UPLOADED, provider_id="lea_1")
    assert states[1] == RowOutcome(1, Status.PENDING, UNANSWERED_REASON)
    assert journal.unanswered(run) == {1}
    journal.release(run, [1])
    assert journal.unanswered(run) == set()
    assert journal.row_keys(run) == {0: "email:a", 1: "email:b"}
    journal.record(run, [RowOutcome(1, Status.FAILED, "lost", retryable=True)])
    assert journal.row_states(run)[1].retryable is True
    assert journal.row_keys(run)[1] == "email:b"  # a record without keys keeps the known one
    journal.close()


def test_counts_history_and_resume_offer(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    first = start(journal)
    journal.record(first, [RowOutcome(0, Status.UPLOADED), RowOutcome(1, Status.INVALID, "bad email")])
    record = journal.run(first)
    assert record is not None
    assert record.counts == {
        "uploaded": 1,
        "updated": 0,
        "duplicate": 0,
        "skipped": 0,
        "invalid": 1,
        "failed": 0,
        "pending": 3,
    }
    assert record.resumable and record.finished_at is None
    # A crashed (never finished) run is offered for the same file and destination only.
    assert journal.find_resumable("10:abc", "lemlist", "cam_1") == record
    assert journal.find_resumable("10:abc", "lemlist", "cam_2") is None
    assert journal.find_resumable("11:abd", "lemlist", "cam_1") is None
    # Cancelled with rows pending: still offered.
    journal.finish_run(first, RunSummary(total=5, uploaded=1, invalid=1, pending=3), "cancelled")
    resumable = journal.find_resumable("10:abc", "lemlist", "cam_1")
    assert resumable is not None and resumable.note == "cancelled" and resumable.finished_at
    # Finished with nothing pending: not offered.
    journal.finish_run(first, RunSummary(total=5, uploaded=4, invalid=1), "")
    assert journal.find_resumable("10:abc", "lemlist", "cam_1") is None
    second = start(journal, file_name="other.csv", fingerprint="2:zz")
    journal.abandon(second)
    assert journal.find_resumable("2:zz", "lemlist", "cam_1") is None
    assert [r.id for r in journal.history()] == [second, first]
    assert journal.history(limit=1)[0].note == "abandoned"
    assert journal.run_settings(first) == ({"Email": "email"}, {"deduplicate": True})
    journal.close()


def test_already_uploaded_is_per_destination_and_ignores_the_current_run(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    old = start(journal)
    journal.record(
        old,
        [RowOutcome(0, Status.UPLOADED), RowOutcome(1, Status.DUPLICATE), RowOutcome(2, Status.FAILED, "x")],
        ["email:a", "email:b", "email:c"],
    )
    other_campaign = start(journal, destination="cam_2")
    journal.record(other_campaign, [RowOutcome(0, Status.UPLOADED)], ["email:z"])
    keys = ["email:a", "email:b", "email:c", "email:z", "email:new"]
    found = journal.already_uploaded("lemlist", "cam_1", keys)
    assert list(found) == ["email:a"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", found["email:a"])
    assert journal.already_uploaded("lemlist", "cam_1", keys, exclude_run=old) == {}
    assert journal.already_uploaded("instantly", "cam_1", keys) == {}
    journal.close()


def test_a_lead_taken_back_is_no_longer_already_uploaded(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    old = start(journal)
    journal.record(
        old, [RowOutcome(0, Status.UPLOADED), RowOutcome(1, Status.UPLOADED)], ["email:a", "email:b"]
    )
    journal.record_removals(old, [(0, "lea_a", "removed", "deleted from the campaign")])
    assert list(journal.already_uploaded("lemlist", "cam_1", ["email:a", "email:b"])) == ["email:b"]
    journal.close()


def test_already_uploaded_handles_more_keys_than_sqlite_binds(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    run = start(journal, total=3000)
    outcomes = [RowOutcome(i, Status.UPLOADED) for i in range(3000)]
    journal.record(run, outcomes, [f"email:{i}" for i in range(3000)])
    found = journal.already_uploaded("lemlist", "cam_1", [f"email:{i}" for i in range(0, 6000, 2)])
    assert len(found) == 1500
    journal.close()


def test_default_location_is_leadloader_home_and_wal(leadloader_home: Path) -> None:
    journal = Journal()
    assert journal.path == leadloader_home / "journal.sqlite3"
    start(journal)
    mode = sqlite3.connect(journal.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    # A second connection (the GUI's history while a worker writes) sees committed rows.
    other = Journal(journal.path)
    assert len(other.history()) == 1
    other.close()
    journal.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_committed_write_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal
        from gui.core.journal import Journal
        from gui.core.domain import RowOutcome, Status
        j = Journal({str(path)!r})
        run = j.start_run(fingerprint="f", file_name="a.csv", provider="lemlist", account="A",
                          destination="cam", destination_name="C", mapping={{}}, options={{}}, total=3)
        j.record(run.id, [RowOutcome(0, Status.UPLOADED, provider_id="lea_0")], ["email:a"])
        j.mark_sending(run.id, [1], ["email:b"])
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == -9, done.stderr
    journal = Journal(path)
    found = journal.find_resumable("f", "lemlist", "cam")
    assert found is not None
    assert journal.row_states(found.id)[0].provider_id == "lea_0"
    assert journal.unanswered(found.id) == {1}
    journal.close()


def test_no_api_key_reaches_the_journal(tmp_path: Path) -> None:
    # The journal's API takes no key at all; this guards that options/mapping are all it keeps.
    journal = Journal(tmp_path / "j.sqlite3")
    run = start(journal)
    journal.record(run, [RowOutcome(0, Status.UPLOADED, provider_id="lea_1")], ["email:a"])
    journal.close()
    columns = {
        row[1]
        for table in ("runs", "rows")
        for row in sqlite3.connect(tmp_path / "j.sqlite3").execute(f"PRAGMA table_info({table})")
    }
    assert not {c for c in columns if "key" in c and c != "key"}
    assert "api_key" not in columns


@pytest.mark.parametrize("status", [Status.UPLOADED, Status.DUPLICATE, Status.SKIPPED])
def test_finished_rows_count_as_done(tmp_path: Path, status: Status) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    run = start(journal, total=1)
    journal.record(run, [RowOutcome(0, status)])
    record = journal.run(run)
    assert record is not None and not record.resumable
    journal.close()


def test_an_unusable_journal_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(JournalError, match="not-a-folder"):
        Journal(blocker / "journal.sqlite3")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match=r"garbage\.sqlite3 could not be opened"):
        Journal(garbage)


def test_a_journal_from_before_the_retryable_column_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE rows (run_id INTEGER NOT NULL, row INTEGER NOT NULL, key TEXT NOT NULL DEFAULT '',"
        " status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', provider_id TEXT NOT NULL DEFAULT '',"
        " attempts INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL,"
        " PRIMARY KEY (run_id, row)) WITHOUT ROWID;"
    )
    db.close()
    journal = Journal(path)
    run = start(journal)
    journal.record(run, [RowOutcome(0, Status.FAILED, "lost", retryable=True)])
    assert journal.row_states(run)[0].retryable
    journal.close()
