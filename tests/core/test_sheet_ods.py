"""OpenDocument number styles read as the Excel format codes that show the same text."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from gui.core.sheets.number_formats import render_number
from gui.core.sheets.ods import sample_styles, style_code

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def style(body: str, kind: str = "number-style") -> ET.Element:
    return ET.fromstring(f'<number:{kind} {NS} style:name="N">{body}</number:{kind}>')


@pytest.mark.parametrize(
    ("body", "kind", "value", "shown"),
    [
        ('<number:number number:min-integer-digits="5"/>', "number-style", 2134, "02134"),
        ('<number:text>+</number:text><number:number number:min-integer-digits="1"/>', "number-style",
         447911123456, "+447911123456"),
        ('<number:number number:decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>',
         "number-style", 1234567.5, "1,234,567.50"),
        ('<number:number number:decimal-places="1" number:min-integer-digits="1"/>'
         "<number:text>%</number:text>", "percentage-style", 0.125, "12.5%"),
        ('<number:currency-symbol>€</number:currency-symbol><number:number number:decimal-places="2" '
         'number:min-integer-digits="1"/>', "currency-style", 3.5, "€3.50"),
        ('<number:number number:min-integer-digits="1"/><number:text> pcs</number:text>', "number-style", 12,
         "12 pcs"),
    ],
)  # fmt: skip
def test_number_styles_render_as_libreoffice_shows_them(
    body: str, kind: str, value: float, shown: str
) -> None:
    code = style_code(style(body, kind))
    assert code is not None
    assert render_number(value, code) == shown


def test_scientific_and_fractions_are_left_to_plain_numbers() -> None:
    assert style_code(style('<number:scientific-number number:decimal-places="2"/>')) is None
    assert style_code(style('<number:fraction number:min-numerator-digits="1"/>')) is None


def test_repeated_rows_and_cells_and_column_default_styles(tmp_path: Path) -> None:
    content = f"""<office:document-content {NS}>
    <office:automatic-styles>
      <number:number-style style:name="N5">
        <number:number number:min-integer-digits="5"/></number:number-style>
      <style:style style:name="zip" style:family="table-cell" style:data-style-name="N5"/>
    </office:automatic-styles>
    <office:body><office:spreadsheet>
      <table:table table:name="Other"><table:table-row><table:table-cell office:value-type="float"
        office:value="1"/></table:table-row></table:table>
      <table:table table:name="Leads">
        <table:table-column table:number-columns-repeated="2"/>
        <table:table-column table:default-cell-style-name="zip"/>
        <table:table-row><table:table-cell office:value-type="string"/></table:table-row>
        <table:table-row table:number-rows-repeated="2">
          <table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="7"/>
          <table:table-cell office:value-type="float" office:value="501"/>
        </table:table-row>
        <table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>
      </table:table>
    </office:spreadsheet></office:body></office:document-content>"""
    path = tmp_path / "styles.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", content)
    styles = sample_styles(path, "Leads", 10)
    assert styles[:3] == (
        {},
        {0: "General", 1: "General", 2: "00000"},
        {0: "General", 1: "General", 2: "00000"},
    )
    assert len(styles) == 10  # the million repeated blank rows stop at the sample
    assert sample_styles(path, "Missing", 10) == ()
    assert sample_styles(tmp_path / "nothing.ods", "Leads", 10) == ()
