"""Write the sheet-loading test corpus into tests/data/sheets/ (run: python tests/data/make_corpus.py).

Every file is small and committed; the tests in tests/core/test_sheets.py assert the exact text
of its cells. Each file reproduces one way lead lists arrive damaged or awkward (see
../shared/importer-research.md §2): Excel number formats, title rows, duplicate headers,
phantom rows, Windows code pages, UTF-16, odd delimiters, quoted line breaks, ragged rows.

Files that cannot be produced faithfully with the packages installed here:
- a real encrypted .xlsx (needs msoffcrypto-tool): ``encrypted.xlsx`` is a compound-file
  container holding an ``EncryptionInfo`` entry name, which is what the loader looks for;
- (``leads.xls``, a real BIFF8 workbook, is written with xlwt: ``pip install xlwt`` to
  regenerate it; the tests only read the committed file.)
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

OUT = Path(__file__).resolve().parent / "sheets"
# Fixed zip timestamps so regenerating gives the same bytes when nothing changed.
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def _stable_zip(path: Path) -> None:
    """Rewrite a zip with fixed member dates, so the committed files do not churn."""
    source = io.BytesIO(path.read_bytes())
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            content = old.read(item.filename)
            if item.filename == "docProps/core.xml":
                # openpyxl stamps the save time here whatever the properties say.
                content = re.sub(
                    rb"<dcterms:modified([^>]*)>[^<]*<",
                    rb"<dcterms:modified\1>2024-01-01T00:00:00Z<",
                    content,
                )
            new.writestr(info, content)
    path.write_bytes(target.getvalue())


def _set_doc_dates(workbook: Workbook) -> None:
    fixed = dt.datetime(2024, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed


def make_leads_xlsx(path: Path) -> None:
    """Title rows, typed cells with number formats, duplicate/empty headers, phantom rows, 3 sheets."""
    workbook = Workbook()
    _set_doc_dates(workbook)
    sheet = workbook.active
    sheet.title = "Leads"
    sheet["A1"] = "Q4 outbound list, exported 2024-11-02"
    sheet["A3"] = "Internal: do not share"
    header = [
        "First Name",
        "Email",
        "Email",
        None,
        "Zip",
        "Phone",
        "Mobile",
        "Account Id",
        "Big Id",
        "Created",
        "Meeting",
        "Active",
        "Country",
        "Notes",
        "Score",
        "Rate",
        "Signup Date",
        "Postal",
        "SSN",
    ]
    sheet.append(header)  # row 4 (0-based 3) after A1..A3
    rows = [
        [
            "Zoë",
            "zoe@example.com",
            "zoe@work.example",
            "x1",
            2134,
            447911123456,
            447911123456,
            1234567890123456,
            4.47e11,
            dt.date(2024, 3, 5),
            dt.datetime(2024, 3, 5, 14, 30),
            True,
            "NA",
            "N/A",
            3.5,
            0.25,
            45000,
            2134,
            123456789,
        ],
        [
            "José",
            "jose@example.com",
            "",
            "",
            90210,
            14155550123,
            33612345678,
            2345678901234567,
            447000000001,
            dt.date(2023, 12, 31),
            dt.datetime(2023, 12, 31, 9, 5, 7),
            False,
            "None",
            "null",
            12,
            1,
            45001.5,
            501,
            12,
        ],
    ]
    formats = {5: "00000", 7: '"+"0', 15: "0.00", 16: "0%", 19: "000-00-0000"}
    row_number = 5
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            if column in formats:
                cell.number_format = formats[column]
        row_number += 1
        if row_number == 6:
            row_number += 1  # leave row 6 blank: a blank row inside the data
    # A row of empty strings: calamine sees it (a blank row to drop and count).
    for column in range(1, len(header) + 1):
        sheet.cell(row=8, column=column).value = " "
    sheet.cell(row=9, column=1, value="Émile")
    sheet.cell(row=9, column=2, value="emile@example.com")
    # Phantom rows: formatted but empty down to row 60 (Excel's used range); never data.
    fill = PatternFill("solid", fgColor="FFFF00")
    for row in range(10, 61):
        sheet.cell(row=row, column=1).fill = fill
        sheet.cell(row=row, column=5).number_format = "00000"

    second = workbook.create_sheet("Second")
    second.append(["Name", "Email"])
    second.append(["Ann", "ann@example.com"])
    second.append(["Bob", "bob@example.com"])
    workbook.create_sheet("Empty")
    workbook.save(path)
    _stable_zip(path)


def make_leads_xls(path: Path) -> None:
    """The old binary format: title rows, number formats (00000, "+"0, 0.00), dates, booleans."""
    import xlwt  # only to regenerate the corpus

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Leads")
    sheet.write(0, 0, "Exported from the old CRM")
    header = ["Name", "Email", "Zip", "Phone", "Mobile", "Account Id", "Created", "Meeting", "Active"]
    header.append("Score")
    for column, name in enumerate(header):
        sheet.write(2, column, name)
    zip_style = xlwt.easyxf(num_format_str="00000")
    plus_style = xlwt.easyxf(num_format_str='"+"0')
    day_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    time_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    score_style = xlwt.easyxf(num_format_str="0.00")
    rows = [
        ["Zoë", "zoe@example.com", 2134, 447911123456, 447911123456, 1234567890123456,
         dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 14, 30), True, 3.5],
        ["José", "jose@example.com", 501, 14155550123, 33612345678, 2345678901234567,
         dt.date(2023, 12, 31), dt.datetime(2023, 12, 31, 9, 5), False, 12],
    ]  # fmt: skip
    styles = {2: zip_style, 4: plus_style, 6: day_style, 7: time_style, 9: score_style}
    for offset, values in enumerate(rows):
        for column, value in enumerate(values):
            if column in styles:
                sheet.write(3 + offset, column, value, styles[column])
            else:
                sheet.write(3 + offset, column, value)
    second = book.add_sheet("Second")
    second.write(0, 0, "Name")
    second.write(1, 0, "Ann")
    book.save(str(path))


def make_phone_formats_xlsx(path: Path) -> None:
    """Phones stored as numbers with display masks, and a column mixing numbers and text."""
    workbook = Workbook()
    _set_doc_dates(workbook)
    sheet = workbook.active
    sheet.title = "Phones"
    sheet.append(["Name", "US Phone", "Ref", "Amount"])
    values = [
        ("Ann", 4155550123, 123, 1234.5),
        ("Bob", 5551234, "00124", -99.0),
        ("Cy", 2125550199, "00125", 0),
    ]
    for name, phone, ref, amount in values:
        sheet.append([name, phone, ref, amount])
    for row in range(2, 5):
        sheet.cell(row=row, column=2).number_format = "[<=9999999]###-####;(###) ###-####"
        sheet.cell(row=row, column=4).number_format = '#,##0.00;(#,##0.00);"-"'
    workbook.save(path)
    _stable_zip(path)


def make_encrypted_xlsx(path: Path) -> None:
    """What Excel writes for a password-protected .xlsx: an OLE compound file, not a zip.

    A real one needs msoffcrypto-tool; this one has the compound-file signature and the
    ``EncryptionInfo`` / ``EncryptedPackage`` entry names in its directory, which is what the
    loader checks.
    """
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = (0xFFFE).to_bytes(2, "little")
    header[30:32] = (9).to_bytes(2, "little")
    header[32:34] = (6).to_bytes(2, "little")
    directory = bytearray(512)
    for index, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[0 : len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        entry[66] = 5 if index == 0 else 2
        directory[index * 128 : (index + 1) * 128] = entry
    path.write_bytes(bytes(header) + bytes(directory) + bytes(1024))


def make_fake_cfb_xlsx(path: Path) -> None:
    """An old-style Office container renamed to .xlsx (no encryption entry)."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1528))


def make_truncated_xlsx(source: Path, path: Path) -> None:
    """The first half of a real workbook: an interrupted download."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_ods(path: Path) -> None:
    """An OpenDocument spreadsheet (LibreOffice): text, numbers with number styles, a date, two sheets."""
    from odf.element import Element
    from odf.number import Number, NumberStyle, PercentageStyle
    from odf.number import Text as NumberText
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    # Number styles as LibreOffice writes them: 00000, "+"0, #,##0.00 and 0%.
    padded = NumberStyle(name="N5")
    padded.addElement(Number(decimalplaces="0", minintegerdigits="5"))
    plus = NumberStyle(name="NPlus")
    plus.addElement(NumberText(text="+"))
    plus.addElement(Number(decimalplaces="0", minintegerdigits="1"))
    money = NumberStyle(name="NMoney")
    money.addElement(Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    percent = PercentageStyle(name="NPct")
    percent.addElement(Number(decimalplaces="0", minintegerdigits="1"))
    percent.addElement(NumberText(text="%"))
    cell_styles = {}
    for data_style in (padded, plus, money, percent):
        document.automaticstyles.addElement(data_style)
        name = f"ce{data_style.getAttribute('name')}"
        cell_styles[data_style.getAttribute("name")] = Style(
            name=name, family="table-cell", datastylename=name[2:]
        )
        document.automaticstyles.addElement(cell_styles[data_style.getAttribute("name")])
    styled = ["Postcode", "Mobile", "Amount"]

    def number(value: float, style: str, shown: str, kind: str = "float") -> TableCell:
        node = TableCell(valuetype=kind, value=str(value), stylename=cell_styles[style])
        node.addElement(P(text=shown))
        return node

    def cell(value: object) -> TableCell:
        if isinstance(value, Element):  # a cell built with its number style
            return value
        if isinstance(value, bool):
            node = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
            node.addElement(P(text="TRUE" if value else "FALSE"))
        elif isinstance(value, dt.date):
            node = TableCell(valuetype="date", datevalue=value.isoformat())
            node.addElement(P(text=value.isoformat()))
        elif isinstance(value, int | float):
            node = TableCell(valuetype="float", value=str(value))
            node.addElement(P(text=str(value)))
        elif value in (None, ""):
            node = TableCell()
        else:
            node = TableCell(valuetype="string")
            node.addElement(P(text=str(value)))
        return node

    sheets = {
        "Contacts": [
            ["Name", "Email", "Zip", "Phone", "Since", "VIP", "Revenue", *styled, "Rate"],
            [
                "Åsa",
                "asa@example.se",
                "01234",
                46701234567,
                dt.date(2024, 2, 29),
                True,
                1234.5,
                number(2134, "N5", "02134"),
                number(46701234567, "NPlus", "+46701234567"),
                number(1234.5, "NMoney", "1,234.50"),
                number(0.25, "NPct", "25%", "percentage"),
            ],
            [
                "Lars",
                "lars@example.se",
                "",
                46709876543,
                dt.date(2022, 1, 1),
                False,
                10.0,
                number(501, "N5", "00501"),
                number(46709876543, "NPlus", "+46709876543"),
                number(12, "NMoney", "12.00"),
                number(1, "NPct", "100%", "percentage"),
            ],
        ],
        "Other": [["Col"], ["x"]],
    }
    for name, rows in sheets.items():
        table = Table(name=name)
        for values in rows:
            row = TableRow()
            for value in values:
                row.addElement(cell(value))
            table.addElement(row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    _stable_zip(path)


def write_text_files(out: Path) -> None:
    """The delimited text files: one per dialect or shape problem."""
    (out / "cp1252_semicolon.csv").write_bytes(
        (
            "Prénom;Nom;Société;Ville;Code postal;Pays\r\n"
            "François;Müller;Crème brûlée SARL;Besançon;01234;FR\r\n"
            "Zoë;Ødegård;Café “Bon” – €;Köln;50667;NA\r\n"
        ).encode("cp1252")
    )
    (out / "cp1250_polish.csv").write_bytes(
        (
            "Imię;Nazwisko;Miasto;Firma\r\n"
            "Łukasz;Wiśniewski;Łódź;Żółta Łódka sp. z o.o.\r\n"
            "Zofia;Kowalczyk;Kraków;Bąk i Syn\r\n"
        ).encode("cp1250")
    )
    utf16 = (
        "\ufeffName\tEmail\tPhone\r\n"
        "Łukasz\tlukasz@example.pl\t+48 600 100 200\r\n"
        "李雷\tli@example.cn\t+86 138 0000 0000\r\n"
    )
    (out / "utf16_bom.tsv").write_bytes(utf16.encode("utf-16-le"))
    (out / "utf8_bom.csv").write_bytes("\ufeffEmail,First Name\nanna@example.com,Anna\n".encode())
    (out / "sep_hint.csv").write_text(
        "sep=;\nName;Company;Revenue\nAnn;Acme, Inc.;1,5\nBob;Globex;2,25\n", encoding="utf-8"
    )
    (out / "pipe.txt").write_text(
        "Name|Email|Status|Comment\nAnn|ann@example.com|None|null\nBob|bob@example.com|N/A|a, b; c\n",
        encoding="utf-8",
    )
    (out / "quoted_newlines.csv").write_text(
        'Name,Address,Note\n"Ann","1 Main St\nSuite 5\nSpringfield","She said ""hi"", then left"\n'
        '"Bob","2 Oak Ave","multi\r\nline, with comma"\nCy,3 Elm St,plain\n',
        encoding="utf-8",
        newline="",
    )
    (out / "ragged.csv").write_text(
        "Name,Email,Phone\n"
        "Ann,ann@example.com,+1 415 555 0100,extra1,extra2\n"
        "Bob,bob@example.com\n"
        "Cy,cy@example.com,+1 212 555 0199\n",
        encoding="utf-8",
    )
    (out / "empty.csv").write_bytes(b"")
    (out / "blank_lines_only.csv").write_text("\n\n \n", encoding="utf-8")
    (out / "header_only.csv").write_text("Name,Email\n", encoding="utf-8")
    (out / "title_rows.csv").write_text(
        "Leads export,,,\nGenerated by CRM on 2024-11-02,,,\n,,,\nEmail,First Name,Company,\n"
        "ann@example.com,Ann,Acme,\n,,,\nbob@example.com,Bob,Globex,\n,,,\n,,,\n",
        encoding="utf-8",
    )
    (out / "duplicate_headers.csv").write_text(
        "Email,email,,Email,Name\na@example.com,b@example.com,c,d@example.com,Ann\n", encoding="utf-8"
    )
    (out / "blank_lines.csv").write_text(
        "Name,Email\nAnn,ann@example.com\n\nBob,bob@example.com\n\n\nCy,cy@example.com\n", encoding="utf-8"
    )
    (out / "damage.csv").write_text(
        "Name,Phone,Account Id,Zip,Created Date,Plain\n"
        "Ann,4.47E+11,1234567890123460,2134,45000,7\n"
        "Bob,4.47912E+11,9876543210987650,90210,45001,8\n"
        "Cy,+447911123456,1111111111111110,501,2024-03-05,9\n",
        encoding="utf-8",
    )
    (out / "clean.csv").write_text(
        "Name,Phone,Account Id,Zip,Created\nAnn,+447911123456,1234567890123456,02134,2024-03-05\n"
        "Bob,+14155550123,9876543210987654,90210,2024-03-06\n",
        encoding="utf-8",
    )
    # UTF-8 for the first lines, then one cp1252 byte far down: a file re-saved by two tools.
    body = "".join(f"name{i},user{i}@example.com\n" for i in range(40))
    (out / "late_cp1252.csv").write_bytes(
        b"Name,Email\n" + body.encode() + "Renée,renee@example.com\n".encode("cp1252")
    )
    (out / "html.xls").write_text("<html><body><table><tr><td>Name</td></tr></table></body></html>\n")
    (out / "corrupt.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + b"garbage" * 30)
    (out / "notes.pdf").write_bytes(b"%PDF-1.4\n")


def main() -> None:
    """Regenerate every corpus file."""
    OUT.mkdir(parents=True, exist_ok=True)
    make_leads_xlsx(OUT / "leads.xlsx")
    make_phone_formats_xlsx(OUT / "phone_formats.xlsx")
    make_leads_xls(OUT / "leads.xls")
    make_encrypted_xlsx(OUT / "encrypted.xlsx")
    make_fake_cfb_xlsx(OUT / "old_container.xlsx")
    make_truncated_xlsx(OUT / "leads.xlsx", OUT / "truncated.xlsx")
    make_ods(OUT / "contacts.ods")
    write_text_files(OUT)
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
