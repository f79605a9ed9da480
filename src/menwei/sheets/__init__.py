"""Spreadsheets read and written at the office's desk: the residents' import sheet and the cell
rules that keep a spreadsheet from running what it was handed. No database, no HTTP."""
