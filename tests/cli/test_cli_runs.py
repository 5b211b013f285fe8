"""``leadloader runs``, ``runs prune``, the upload's ``"run"`` id and one sender per run (exit 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from gui.cli import main
from gui.core.identity import file_fingerprint
from gui.core.journal import Journal
from gui.core.run_lock import hold_run
from gui.sandbox import seed
from tests.cli.test_cli import LEADS_20, ROOT, run_cli, summary_of


def _upload(*extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "upload", str(LEADS_20), "--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN,
        "--allow-empty-tags", *extra,
    )  # fmt: skip


def test_the_upload_line_names_its_run_and_runs_lists_it(sandbox, capsys) -> None:
    result = _upload()
    assert result.returncode == 0, result.stderr
    run_id = summary_of(result)["run"]
    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    fields = lines[0].split("\t")
    assert fields[0] == run_id
    assert datetime.fromisoformat(fields[1].replace("Z", "+00:00")).tzinfo is not None
    assert fields[2:] == ["lemlist", seed.LEMLIST_CAMPAIGN, "created 20"]


def test_runs_are_listed_newest_first(sandbox, capsys) -> None:
    first = summary_of(_upload())["run"]
    second = summary_of(_upload("--no-resume"))["run"]
    main(["runs"])
    ids = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert ids[:2] == [second, first]
    assert ids[0] != ids[1]


def test_prune_drops_old_finished_runs_only(sandbox, capsys) -> None:
    assert _upload().returncode == 0
    journal = Journal()
    try:
        old = datetime.now(UTC) - timedelta(days=400)
        journal._db.execute("UPDATE runs SET finished_at = ?", (old.isoformat().replace("+00:00", "Z"),))
    finally:
        journal.close()
    assert main(["runs", "prune", "--older-than", "365"]) == 0
    assert "Pruned 1 finished run older than 365 days." in capsys.readouterr().err
    main(["runs"])
    assert capsys.readouterr().out == ""


def test_a_run_being_sent_elsewhere_exits_4_and_sends_nothing(sandbox) -> None:
    fingerprint = file_fingerprint(LEADS_20)
    with hold_run(fingerprint, "lemlist", seed.LEMLIST_CAMPAIGN, front_end="the LeadLoader window"):
        result = _upload()
    assert result.returncode == 4, result.stderr
    assert "LeadLoader window" in result.stderr
    assert sandbox.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 0


def test_two_processes_at_once_create_each_lead_once(sandbox_factory) -> None:
    sandbox = sandbox_factory(latency_ms=150)  # the first is still sending when the second looks
    args = [sys.executable, "-m", "gui", "upload", str(LEADS_20), "--provider", "lemlist"]
    args += ["--campaign", seed.LEMLIST_CAMPAIGN, "--allow-empty-tags"]
    env = {**os.environ, "LEADLOADER_API_KEY": "sandbox-cli"}
    procs = [
        subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    codes = sorted(code for code, _out, _err in results)
    assert sandbox.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 20
    assert codes == [0, 4], results
    for code, out, err in results:
        if code == 4:
            assert "leadloader upload" in err and not out
        else:
            assert json.loads(out.splitlines()[-1])["total"] == 20
