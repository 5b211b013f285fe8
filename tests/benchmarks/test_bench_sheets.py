"""Sheet loading speed and memory against the pandas defaults, measured in one run.

Run: ``.venv/bin/pytest tests/benchmarks/test_bench_sheets.py -m benchmark -s``.
The big files are generated into a temporary folder at run time (never committed).

Targets (DESIGN.md §5): a 100k-row, 12-column XLSX in <= 2 s and >= 5x faster than
``pandas.read_excel(engine="openpyxl", dtype=str)``; a 1M-row CSV in <= 1.0 s and within 2.5x of
pyarrow's reader alone (issue 18), >= 3x faster than ``pandas.read_csv(dtype=str)``, with peak
memory <= 2 GB.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pytest

from gui.core.sheets.load import load_sheet

pytestmark = pytest.mark.benchmark

XLSX_ROWS = 100_000
CSV_ROWS = 1_000_000
HEADERS = [
    "First Name",
    "Last Name",
    "Email",
    "Company",
    "Title",
    "Phone",
    "Zip",
    "City",
    "Country",
    "LinkedIn",
    "Created",
    "Score",
]
FIRST = ["Anna", "Bob", "Chloé", "David", "Emma", "Farid", "Greta", "Hugo", "Inès", "Jonas", "Kenji", "Lena"]
LAST = ["Smith", "Müller", "Dubois", "Rossi", "García", "Nowak", "Olsen", "Kim", "Lee", "Brown", "Sato"]
TITLES = ["CEO", "CTO", "VP Sales", "Head of Growth", "SDR", "Founder", "Marketing Manager"]
CITIES = ["Paris", "Berlin", "London", "New York", "Madrid", "Rome", "Oslo", "Tokyo", "Austin"]
COUNTRIES = ["US", "FR", "DE", "GB", "NA", "ES"]


#: CPU seconds (all threads of this process) of the fastest run of each label, printed next to
#: wall times: on a shared machine the wall time moves with other jobs, CPU time much less.
CPU_SECONDS: dict[str, float] = {}


def best_of(runs: int, action: Callable[[], Any], label: str = "") -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(runs):
        result = None  # let the previous result go before timing the next run
        gc.collect()
        start = time.perf_counter()
        cpu = time.process_time()
        result = action()
        wall = time.perf_counter() - start
        if wall < best:
            best = wall
            if label:
                CPU_SECONDS[label] = min(CPU_SECONDS.get(label, float("inf")), time.process_time() - cpu)
    return best, result


def cpu_note(ours: str, peer: str) -> str:
    return f"CPU time {CPU_SECONDS.get(ours, 0):.2f} s vs {CPU_SECONDS.get(peer, 0):.2f} s"


def load_note() -> str:
    """The machine's load while measuring: other jobs on the 2 cores skew every absolute figure."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def _col_letter(index: int) -> str:
    return "ABCDEFGHIJKL"[index]


def write_xlsx(path: Path, rows: int) -> None:
    """A SpreadsheetML workbook as Excel writes it: shared strings, styles, cell references.

    Written directly (openpyxl takes half a minute for this); typed like a real export: phones
    and ZIPs as numbers (ZIPs with the 00000 format), dates as serials with a date format.
    """
    rng = np.random.default_rng(7)
    strings: dict[str, int] = {}

    def sst(text: str) -> int:
        index = strings.get(text)
        if index is None:
            index = strings[text] = len(strings)
        return index

    first = rng.integers(0, len(FIRST), rows)
    last = rng.integers(0, len(LAST), rows)
    company = rng.integers(0, 5000, rows)
    title = rng.integers(0, len(TITLES), rows)
    phone = 14155550000 + rng.integers(0, 9_999_999, rows)
    zips = rng.integers(501, 99_950, rows)
    city = rng.integers(0, len(CITIES), rows)
    country = rng.integers(0, len(COUNTRIES), rows)
    created = 45000 + rng.integers(0, 700, rows)
    score = rng.integers(0, 400, rows) / 4
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:L{rows + 1}"/><sheetData>'
    ]
    header = "".join(f'<c r="{_col_letter(i)}1" t="s"><v>{sst(h)}</v></c>' for i, h in enumerate(HEADERS))
    parts.append(f'<row r="1">{header}</row>')
    for i in range(rows):
        r = i + 2
        cells = (
            f'<c r="A{r}" t="s"><v>{sst(FIRST[first[i]])}</v></c>'
            f'<c r="B{r}" t="s"><v>{sst(LAST[last[i]])}</v></c>'
            f'<c r="C{r}" t="s"><v>{sst(f"lead{i}@example.com")}</v></c>'
            f'<c r="D{r}" t="s"><v>{sst(f"Company {company[i]}")}</v></c>'
            f'<c r="E{r}" t="s"><v>{sst(TITLES[title[i]])}</v></c>'
            f'<c r="F{r}"><v>{phone[i]}</v></c>'
            f'<c r="G{r}" s="1"><v>{zips[i]}</v></c>'
            f'<c r="H{r}" t="s"><v>{sst(CITIES[city[i]])}</v></c>'
            f'<c r="I{r}" t="s"><v>{sst(COUNTRIES[country[i]])}</v></c>'
            f'<c r="J{r}" t="s"><v>{sst(f"https://www.linkedin.com/in/lead-{i}")}</v></c>'
            f'<c r="K{r}" s="2"><v>{created[i]}</v></c>'
            f'<c r="L{r}"><v>{score[i]}</v></c>'
        )
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>'
            '<Relationship Id="rId3" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="00000"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            "</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
        "xl/sharedStrings.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ),
        "xl/worksheets/sheet1.xml": "".join(parts),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def write_csv(path: Path, rows: int) -> None:
    """A lead list CSV as Excel or a CRM writes it: quotes only around fields that need them.

    Unique emails, phones, ids and URLs; repeated names, companies, cities, countries and notes.
    """
    rng = np.random.default_rng(11)
    index = np.arange(rows).astype(str)

    def pick(pool: list[str]) -> list[str]:
        return np.array(pool, dtype=object)[rng.integers(0, len(pool), rows)].tolist()

    zips = np.char.zfill(rng.integers(0, 99_999, rows).astype(str), 5)
    columns = [
        pick(FIRST),
        pick(LAST),
        np.char.add(np.char.add("lead", index), "@example.com").tolist(),
        pick([f"Company {i}" for i in range(5000)] + ['"Acme, Inc."']),
        pick(TITLES),
        np.char.add("+1415", rng.integers(1_000_000, 9_999_999, rows).astype(str)).tolist(),
        zips.tolist(),
        pick(CITIES),
        pick(COUNTRIES),
        np.char.add("https://www.linkedin.com/in/lead-", index).tolist(),
        (10**15 + rng.integers(0, 10**15, rows)).astype(str).tolist(),
        pick(["", "call back", "N/A", '"met at ""SaaStr"", 2024"']),
    ]
    header = "First Name,Last Name,Email,Company,Title,Phone,Zip,City,Country,LinkedIn,Account Id,Notes"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\r\n")
        handle.write("\r\n".join(map(",".join, zip(*columns, strict=True))))
        handle.write("\r\n")


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bench_sheets")
    xlsx = folder / "leads_100k.xlsx"
    csv = folder / "leads_1m.csv"
    start = time.perf_counter()
    write_xlsx(xlsx, XLSX_ROWS)
    write_csv(csv, CSV_ROWS)
    print(
        f"\n[setup] wrote {xlsx.name} ({xlsx.stat().st_size / 1e6:.1f} MB) and {csv.name} "
        f"({csv.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s"
    )
    return {"xlsx": xlsx, "csv": csv}


def calamine_alone(path: Path) -> list[list[object]]:
    """The reader's own floor: calamine's whole-sheet parse into Python values, on one core.

    Printed beside our figure because this machine's speed drifts by up to 1.7x within minutes;
    our load over this floor is the part the app adds (cells to text, notes, the frame).
    """
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        rows: list[list[object]] = workbook.get_sheet_by_name("Leads").to_python(skip_empty_area=False)
        return rows
    finally:
        workbook.close()


def test_xlsx_100k_rows(big_files: dict[str, Path]) -> None:
    path = big_files["xlsx"]
    # Interleaved with the reader alone, so a slow spell of the machine hits both alike.
    ours, floor = float("inf"), float("inf")
    sheet = None
    for _ in range(5):
        floor = min(floor, best_of(1, lambda: calamine_alone(path), "xlsx calamine")[0])
        again, sheet = best_of(1, lambda: load_sheet(path), "xlsx ours")
        ours = min(ours, again)
    assert sheet is not None
    peer, frame = best_of(1, lambda: pd.read_excel(path, engine="openpyxl", dtype=str), "xlsx peer")
    ratio = peer / ours
    print(
        f"\n[xlsx 100k x 12] load_sheet {ours:.2f} s (best of 5) | "
        f'pandas.read_excel(engine="openpyxl", dtype=str) {peer:.2f} s | {ratio:.1f}x faster | '
        f"calamine alone on one core {floor:.2f} s (best of 5; ours / it = {ours / floor:.2f}) | "
        f"{cpu_note('xlsx ours', 'xlsx peer')} | {load_note()}"
    )
    assert sheet.frame.shape == (XLSX_ROWS, 12)
    assert frame.shape == (XLSX_ROWS, 12)
    first = sheet.frame.iloc[0]
    assert first["Email"] == "lead0@example.com"
    assert len(first["Zip"]) == 5 and first["Zip"].isdigit()  # 00000 format kept
    assert "E+" not in first["Phone"] and first["Phone"].startswith("141")
    assert len(first["Created"]) == 10 and first["Created"][4] == "-"
    assert all(sheet.frame[c].dtype == object for c in sheet.frame.columns)
    assert ours <= 2.0, f"{ours:.2f} s > 2 s"
    assert ratio >= 5.0, f"only {ratio:.1f}x faster than openpyxl"


def pyarrow_alone(path: Path) -> Any:
    """pyarrow's CSV reader by itself: every column as string, into an arrow Table.

    No encoding or delimiter detection, no header search, no blank rows or damage notes: the
    floor under our load, which does all of those and hands back the same arrow strings as
    pandas columns (a cell becomes a ``str`` when something reads it).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in [*HEADERS[:10], "Account Id", "Notes"]},
        strings_can_be_null=False,
        null_values=[],
    )
    return pacsv.read_csv(path, convert_options=convert)


def _sheet_facts(sheet: Any) -> dict[str, Any]:
    frame = sheet.frame
    return {
        "shape": frame.shape,
        "namibia": bool(frame["Country"].isin(["NA"]).any()),
        "zips": bool(frame["Zip"].str.len().eq(5).all()),
        "email": type(frame["Email"].to_numpy()[0]),
    }


def test_csv_1m_rows(big_files: dict[str, Path]) -> None:
    path = big_files["csv"]
    # Interleaved, so a burst of load from other jobs hits every side alike; each run starts with
    # the others' results gone, so no reader pays for fresh pages while another's million rows
    # hold on to the memory it would reuse.
    ours = floor = peer = float("inf")
    facts: dict[str, Any] = {}
    rows = 0
    pandas_nan = False
    for attempt in range(3):
        again, sheet = best_of(1, lambda: load_sheet(path), "csv ours")
        ours, facts, sheet = min(ours, again), _sheet_facts(sheet), None
        again, table = best_of(1, lambda: pyarrow_alone(path), "csv pyarrow")
        floor, rows, table = min(floor, again), table.num_rows, None
        if attempt < 2:
            again, frame = best_of(1, lambda: pd.read_csv(path, dtype=str), "csv peer")
            peer, pandas_nan = min(peer, again), bool(frame["Country"].isna().any())
            assert frame.shape == (CSV_ROWS, 12)
            frame = None
    ratio = peer / ours
    print(
        f"\n[csv 1M x 12, {path.stat().st_size / 1e6:.0f} MB] load_sheet {ours:.2f} s (best of 3) | "
        f"pyarrow.csv.read_csv alone {floor:.2f} s (best of 3; ours / it = {ours / floor:.2f}, "
        f"target <= 2.5) | pandas.read_csv(dtype=str) {peer:.2f} s (best of 2) | {ratio:.1f}x faster | "
        f"{cpu_note('csv ours', 'csv peer')}; pyarrow {CPU_SECONDS.get('csv pyarrow', 0):.2f} s | "
        f"{load_note()}"
    )
    assert rows == CSV_ROWS
    assert facts["shape"] == (CSV_ROWS, 12)
    assert facts["namibia"]  # Namibia stays text
    assert pandas_nan  # ...where the pandas default turns it into NaN
    assert facts["zips"]
    assert facts["email"] is str
    assert ours <= 1.0, f"{ours:.2f} s > 1.0 s (issue 18)"
    assert ours / floor <= 2.5, f"{ours / floor:.2f}x pyarrow's reader alone > 2.5x (issue 18)"
    assert ratio >= 3.0, f"only {ratio:.1f}x faster than pandas.read_csv"


# ru_maxrss survives fork+exec on Linux (the child starts with the parent's peak), so the probe
# reads the kernel's high-water mark of its own address space instead (VmHWM).
_MEMORY_PROBE = """
import json, sys, time

def high_water_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak

from gui.core.sheets.load import load_sheet
before = high_water_kb()
start = time.perf_counter()
sheet = load_sheet(sys.argv[1])
seconds = time.perf_counter() - start
peak = high_water_kb()
print(json.dumps({"rows": len(sheet.frame), "seconds": seconds, "peak_kb": peak, "before_kb": before}))
"""


def test_csv_1m_rows_peak_memory(big_files: dict[str, Path]) -> None:
    path = big_files["csv"]
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    peak_mb = figures["peak_kb"] / 1024
    base_mb = figures["before_kb"] / 1024
    print(
        f"\n[csv 1M memory] peak RSS {peak_mb:.0f} MB for the whole process "
        f"(after imports {base_mb:.0f} MB; file {path.stat().st_size / 1e6:.0f} MB); "
        f"load {figures['seconds']:.2f} s in a fresh process | {load_note()}"
    )
    assert figures["rows"] == CSV_ROWS
    assert peak_mb <= 2048, f"peak {peak_mb:.0f} MB > 2 GB"
