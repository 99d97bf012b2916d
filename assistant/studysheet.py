"""Study sheets for trainers: pinned quotes with their citations, as Markdown or DOCX."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .answering import Quote

TITLE = "Tài liệu học tập"


# Every ASCII punctuation character may be backslash-escaped in Markdown (CommonMark), and then shows as itself.
_MARKDOWN_ESCAPES = {ord(ch): "\\" + ch for ch in "\\`*_{}[]()#+-.!<>|$~&:\"'="}
# Control characters Word cannot hold (tab, line feed and carriage return it can).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def markdown_literal(text: str) -> str:
    r"""``text`` escaped so that Markdown shows it as written: no tags, links, images or formulas.

    >>> print(markdown_literal("<b>x</b> [a](javascript:b)"))
    \<b\>x\</b\> \[a\]\(javascript\:b\)
    """
    return text.translate(_MARKDOWN_ESCAPES)


def to_markdown(quotes: list[Quote], title: str = TITLE) -> str:
    """Each quote as a block quote followed by its citation, both shown literally."""
    lines = [f"# {title}", ""]
    for number, quote in enumerate(quotes, 1):
        body = "\n".join(f"> {markdown_literal(line)}" if line.strip() else ">" for line in quote.shown.splitlines())
        lines += [f"## {number}.", "", body, "", f"*Theo {markdown_literal(quote.citation())}*", ""]
    return "\n".join(lines)


def write_docx(quotes: list[Quote], path: Path, title: str = TITLE) -> Path:
    """Write a printable DOCX (atomically) and return its path."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.add_heading(title, level=1)
    for number, quote in enumerate(quotes, 1):
        document.add_heading(f"{number}.", level=2)
        paragraph = document.add_paragraph(_CONTROL.sub(" ", quote.shown), style="Quote")
        paragraph.paragraph_format.space_after = Pt(4)
        citation = document.add_paragraph()
        citation.add_run(_CONTROL.sub(" ", f"Theo {quote.citation()}")).italic = True
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".docx.tmp")
    os.close(handle)
    document.save(temporary)
    os.replace(temporary, path)
    return path
