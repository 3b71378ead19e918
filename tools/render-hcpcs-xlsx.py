#!/usr/bin/python3
"""Render a CMS quarterly HCPCS Level II xlsx (ANWEB) as CMS's fixed-width text.

    tools/render-hcpcs-xlsx.py HCPC2025_OCT_ANWEB_v4.xlsx HCPC2025_OCT_ANWEB_v4.txt

A developer tool (needs openpyxl: Debian python3-openpyxl), not something
codeset runs: it makes the fixed-width file codeset.load_hcpcs_file() reads
from the spreadsheet form of the same quarterly release, for the quarters
whose .txt was not found (data/SOURCES.md).

The output follows CMS's record layout (HCPCS2019_recordlayout.txt; the
2026 layout has the same positions): 320-column records padded with blanks,
CRLF line ends, pure ASCII, no disclaimer lines.

* Columns 1-5: a procedure code left-justified, a modifier right-justified
  (columns 4-5), whatever the cell had.
* Columns 6-10: the sequence number, 5 digits: the xlsx's 4 ("0010") plus a
  0, as CMS's .txt writes it ("00100"); continuation records count on
  ("00200", "00300", ...).
* Column 11: RECID 3 (procedure) or 7 (modifier) on the first record, 4 or
  8 on its continuation records.
* Columns 12-91: the long description, 80 columns a record.  codeset's reader
  (src/hcpcs_file.c) trims each record's columns 12-91 of blanks and joins
  the non-empty ones with one blank.  So the text is cut only at a single
  blank, which the cut drops (never at two blanks in a row: the join could
  not give both back), and the reader's join gives back exactly the cell's
  text (trimmed, as the reader trims).  Where it cuts is CMS's own rule, as
  their .txt files 2017-2020 show: text that fits in 80 columns stays on one
  record; longer text is cut at the last blank that leaves at most 79
  characters before it.  (Cutting the joined text of CMS's .txt files
  2017-2020 this way gives back CMS's own records for all but 6 to 8 codes a
  year: those where CMS cut at two blanks in a row.)
  A continuation row of the xlsx (RECID 4/8: CMS cut a long cell and carried
  the rest on to a row of its own) is joined to its code's text with one
  blank first.
* The other fields: the cell's text, left-justified in its columns (repeated
  fields in their sub-columns); a cell longer than its field is an error.

Characters outside ASCII are mapped to ASCII (NBSP to a blank, curly quotes
to straight ones, dashes to "-"), each one reported on stderr; any other is an
error, as is a control character.  The same xlsx always gives the same bytes.
"""

import re
import sys
import warnings

import openpyxl

# openpyxl cannot parse the page header CMS's sheets carry: harmless
warnings.filterwarnings("ignore", message="Cannot parse header or footer", category=UserWarning)

RECORD_LEN = 320
DESC_COL, DESC_LEN = 12, 80

# (xlsx header, 1-based column, width) for each fixed field after the
# long description (record layout fields 8-30); None: not in the record.
FIELDS = (
    [("SHORT DESCRIPTION", 92, 28)]
    + [("PRICE%d" % i, 120 + 2 * (i - 1), 2) for i in range(1, 5)]
    + [("MULT_PI", 128, 1)]
    + [("CIM%d" % i, 129 + 6 * (i - 1), 6) for i in range(1, 4)]
    + [("MCM%d" % i, 147 + 8 * (i - 1), 8) for i in range(1, 4)]
    + [("STATUTE", 171, 10)]
    + [("LABCERT%d" % i, 181 + 3 * (i - 1), 3) for i in range(1, 9)]
    + [("XREF%d" % i, 205 + 5 * (i - 1), 5) for i in range(1, 6)]
    + [("COV", 230, 1), ("ASC_GRP", 231, 2), ("ASC_DT", 233, 8), ("OPPS", 241, 3),
       ("OPPS_PI", 244, 1), ("OPPS_DT", 245, 8), ("PROCNOTE", 253, 4), ("BETOS", 257, 3)]
    + [("TOS%d" % i, 261 + (i - 1), 1) for i in range(1, 6)]
    + [("ANEST_BU", 266, 3), ("ADD DT", 269, 8), ("ACT EFF DT", 277, 8),
       ("TERM DT", 285, 8), ("ACTION CD", 293, 1)]
)
HEADER = ["HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION"] + [f[0] for f in FIELDS]

# Non-ASCII characters CMS's sheets are known to hold, and their ASCII.
ASCII_MAP = {
    "\u00a0": " ",   # no-break space
    "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-",
}


class RenderError(Exception):
    pass


def cell_text(v):
    """A cell's value as text: every cell should be text, but a few hold numbers."""
    if v is None:
        return ""
    if isinstance(v, bool):
        raise RenderError("a boolean cell %r" % (v,))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str):
        return v
    raise RenderError("a cell of type %s: %r" % (type(v).__name__, v))


def to_ascii(s, where, report):
    out = []
    for c in s:
        if ord(c) < 0x20 or ord(c) == 0x7F:
            raise RenderError("%s: control character %r" % (where, c))
        if ord(c) < 0x80:
            out.append(c)
        elif c in ASCII_MAP:
            report.append("%s: U+%04X mapped to %r" % (where, ord(c), ASCII_MAP[c]))
            out.append(ASCII_MAP[c])
        else:
            raise RenderError("%s: non-ASCII character U+%04X with no mapping" % (where, ord(c)))
    return "".join(out)


def split_desc(text, code):
    """Pieces of at most 80 characters that the reader joins back into text."""
    pieces = []
    start = 0
    n = len(text)
    while n - start > DESC_LEN:
        cut = None
        # the last single blank with at most 79 characters before it
        for p in range(min(start + DESC_LEN - 1, n - 2), start, -1):
            if text[p] == " " and text[p - 1] != " " and text[p + 1] != " ":
                cut = p
                break
        if cut is None:
            raise RenderError("%s: long description has no single blank to cut at after character %d"
                              % (code, start))
        pieces.append(text[start:cut])
        start = cut + 1
    pieces.append(text[start:])
    for p in pieces:
        assert 0 < len(p) <= DESC_LEN and p == p.strip(" "), (code, p)
    assert " ".join(pieces) == text, code
    return pieces


def put(line, col, width, value, what):
    if len(value) > width:
        raise RenderError("%s is %r: %d characters, the field has %d" % (what, value, len(value), width))
    line[col - 1:col - 1 + len(value)] = value


def new_line(code_cols, seq, recid):
    line = [" "] * RECORD_LEN
    put(line, 1, 5, code_cols, "code")
    put(line, 6, 5, seq, "sequence number")
    put(line, 11, 1, recid, "RECID")
    return line


def read_rows(path, report):
    """The code rows of the sheet: dicts by header, continuation rows joined."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    if len(wb.worksheets) != 1:
        raise RenderError("expected one sheet, found %d" % len(wb.worksheets))
    rows = wb.worksheets[0].iter_rows(values_only=True)
    skipped = 0
    for r in rows:
        if r and cell_text(r[0]).strip() == "HCPC":
            hdr = [cell_text(v).strip() for v in r]
            while hdr and hdr[-1] == "":
                hdr.pop()
            if hdr != HEADER:
                raise RenderError("unexpected header row: %r" % (hdr,))
            break
        skipped += 1
    else:
        raise RenderError("no header row (HCPC, SEQNUM, RECID, ...) found")
    if skipped:
        report.append("skipped %d rows before the header row (CMS's disclaimer)" % skipped)

    codes = []
    n_row = skipped + 1
    for r in rows:
        n_row += 1
        vals = [cell_text(v) for v in r[:len(HEADER)]]
        vals += [""] * (len(HEADER) - len(vals))
        if any(cell_text(v).strip() for v in r[len(HEADER):]):
            raise RenderError("row %d: data past column %d" % (n_row, len(HEADER)))
        if not any(v.strip() for v in vals):
            continue
        row = dict(zip(HEADER, vals))
        where = "row %d (%s)" % (n_row, row["HCPC"].strip())
        for k in HEADER:
            row[k] = to_ascii(row[k], "%s %s" % (where, k), report)
        raw_code = row["HCPC"]
        code = raw_code.strip()
        recid = row["RECID"].strip()
        seq = row["SEQNUM"].strip()
        if not re.fullmatch(r"[0-9]{4}", seq):
            raise RenderError("%s: SEQNUM %r is not 4 digits" % (where, seq))
        if recid in ("3", "7"):
            if recid == "3" and not re.fullmatch(r"[A-Z0-9]{5}", raw_code):
                raise RenderError("%s: procedure code %r is not 5 letters or digits" % (where, raw_code))
            if recid == "7":
                if not re.fullmatch(r"[A-Z0-9]{2}", code):
                    raise RenderError("%s: modifier %r is not 2 letters or digits" % (where, code))
                if raw_code != "   " + code:
                    report.append("%s: modifier written %r, right-justified as %r"
                                  % (where, raw_code, "   " + code))
            if seq != "0010":
                raise RenderError("%s: first row's SEQNUM is %r, not 0010" % (where, seq))
            desc = row["LONG DESCRIPTION"]
            if desc != desc.strip(" "):
                report.append("%s: blanks around the long description trimmed" % where)
            row["_code"] = code
            row["_desc"] = desc.strip(" ")
            row["_seq"] = seq
            codes.append(row)
        elif recid in ("4", "8"):
            want = "3" if recid == "4" else "7"
            if not codes or codes[-1]["_code"] != code or codes[-1]["RECID"].strip() != want:
                raise RenderError("%s: continuation row (RECID %s) does not follow its code's first row"
                                  % (where, recid))
            if int(seq) <= int(codes[-1]["_seq"]):
                raise RenderError("%s: continuation row out of sequence" % where)
            if any(row[f[0]].strip() for f in FIELDS):
                raise RenderError("%s: continuation row holds more than a long description" % where)
            more = row["LONG DESCRIPTION"].strip(" ")
            prev = codes[-1]
            prev["_desc"] = (prev["_desc"] + " " + more) if prev["_desc"] and more else (prev["_desc"] + more)
            prev["_seq"] = seq
            report.append("%s: continuation row (RECID %s, SEQNUM %s) joined to the long description "
                          "with one blank" % (where, recid, seq))
        else:
            raise RenderError("%s: RECID %r is not 3, 4, 7 or 8" % (where, recid))
    return codes


def render(codes):
    out = []
    for row in codes:
        code = row["_code"]
        modifier = row["RECID"].strip() == "7"
        code_cols = ("   " + code) if modifier else code
        pieces = split_desc(row["_desc"], code) if row["_desc"] else [""]
        if len(pieces) > 999:
            raise RenderError("%s: long description needs more than 999 records" % code)
        line = new_line(code_cols, row["SEQNUM"].strip() + "0", "7" if modifier else "3")
        put(line, DESC_COL, DESC_LEN, pieces[0], code + " long description")
        for name, col, width in FIELDS:
            put(line, col, width, row[name], "%s %s" % (code, name))
        out.append("".join(line))
        for i, piece in enumerate(pieces[1:], start=2):
            line = new_line(code_cols, "%03d00" % i, "8" if modifier else "4")
            put(line, DESC_COL, DESC_LEN, piece, code + " long description")
            out.append("".join(line))
    return "".join(l + "\r\n" for l in out).encode("ascii")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s INPUT.xlsx OUTPUT.txt\n" % argv[0])
        return 2
    report = []
    try:
        codes = read_rows(argv[1], report)
        data = render(codes)
    except RenderError as e:
        sys.stderr.write("render-hcpcs-xlsx: %s: %s\n" % (argv[1], e))
        return 1
    with open(argv[2], "wb") as f:
        f.write(data)
    n_mod = sum(1 for r in codes if r["RECID"].strip() == "7")
    for line in report:
        sys.stderr.write("render-hcpcs-xlsx: %s\n" % line)
    sys.stderr.write("render-hcpcs-xlsx: %s: %d codes (%d procedures, %d modifiers), %d records\n"
                     % (argv[2], len(codes), len(codes) - n_mod, n_mod, data.count(b"\r\n")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
