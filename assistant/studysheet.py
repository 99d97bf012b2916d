"""Study sheets for trainers: pinned quotes with their citations, as Markdown or DOCX."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .answering import Quote

TITLE = "Tài liệu học tập"


def to_markdown(quotes: list[Quote], title: str = TITLE) -> str:
    """Each quote as a block quote followed by its citation."""
    lines = [f"# {title}", ""]
    for number, quote in enumerate(quotes, 1):
        body = "\n".join(f"> {line}" if line else ">" for line in quote.text.splitlines())
        lines += [f"## {number}.", "", body, "", f"*Theo {quote.citation()}*", ""]
    return "\n".join(lines)


def write_docx(quotes: list[Quote], path: Path, title: str = TITLE) -> Path:
    """Write a printable DOCX (atomically) and return its path."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.add_heading(title, level=1)
    for number, quote in enumerate(quotes, 1):
        document.add_heading(f"{number}.", level=2)
        paragraph = document.add_paragraph(quote.text, style="Quote")
        paragraph.paragraph_format.space_after = Pt(4)
        citation = document.add_paragraph()
        citation.add_run(f"Theo {quote.citation()}").italic = True
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".docx.tmp")
    os.close(handle)
    document.save(temporary)
    os.replace(temporary, path)
    return path
