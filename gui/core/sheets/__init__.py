"""Opening a lead file as the text a person sees: workbooks and delimited text.

- :mod:`.load`: :func:`~.load.load_sheet` and friends, the one entry point; workbooks' cells.
- :mod:`.sheet`: the :class:`~.sheet.Sheet` and the finishing every reader shares (blank rows, notes).
- :mod:`.header`: which row is the header, and unique column names from it.
- :mod:`.files`: the file checked and read, its errors in words.
- :mod:`.delimited`: .csv .tsv .txt, from the bytes to the sheet (pyarrow, else the csv module).
- :mod:`.text_dialect`: a text file's encoding, delimiter and first records, judged on its bytes.
- :mod:`.arrow_blocks`: pyarrow's parse of a text file on every core, with progress and cancel.
- :mod:`.text_columns`: a text file's columns, kept in pyarrow's memory (pandas' arrow-backed ``str``).
- :mod:`.workbooks`: .xlsx .xlsm .xls .ods cells through calamine.
- :mod:`.pieces`: a big .xlsx sheet parsed in pieces on two threads.
- :mod:`.styles`: the number formats of a workbook's first rows (.xlsx sheet XML, .xls via xlrd).
- :mod:`.ods`: the number styles of an OpenDocument sheet as Excel format codes.
- :mod:`.xlsx_parts`: where a sheet's XML lives inside an .xlsx package.
- :mod:`.number_formats`: a number rendered the way its Excel format shows it.
- :mod:`.cell_text`: typed cells and columns turned into that text.
- :mod:`.damage`: the notes on columns Excel seems to have damaged.
"""
