"""Opening a lead file as the text a person sees: workbooks and delimited text.

- :mod:`.load`: :func:`~.load.load_sheet` and friends, the one entry point; header row, notes.
- :mod:`.delimited`: .csv .tsv .txt (encoding and delimiter, then pyarrow or the csv module).
- :mod:`.workbooks`: .xlsx .xlsm .xls .ods cells through calamine.
- :mod:`.pieces`: a big .xlsx sheet parsed in pieces on two threads.
- :mod:`.styles`: the number formats of a workbook's first rows (.xlsx sheet XML, .xls via xlrd).
- :mod:`.ods`: the number styles of an OpenDocument sheet as Excel format codes.
- :mod:`.xlsx_parts`: where a sheet's XML lives inside an .xlsx package.
- :mod:`.number_formats`: a number rendered the way its Excel format shows it.
- :mod:`.cell_text`: typed cells and columns turned into that text.
"""
