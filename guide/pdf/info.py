"""What a PDF of a guide is called, and says about itself: title, author, subject, keywords, dates.

One definition for the files ReportLab writes whole (the study guide, the answer key) and the
ones pypdf makes (the complete edition, the flash cards), so that they all describe the guide
alike.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache

from guide import __version__
from guide.data import titles
from guide.data.model import Guide

SUFFIX = {
    "study_guide": "study-guide",
    "answer_key": "answer-key",
    "complete": "complete",
    "interviewer": "interviewer",
}


@cache
def _made_with() -> str:
    """What drew and wrote the files, for the Producer entry (from the modules: importing
    importlib.metadata to ask would cost more than a small guide's layout)."""
    import pypdf

    from guide.layout.draw import ENGINE

    return f"{ENGINE}, pypdf {pypdf.__version__}"


MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a PDF date can hold


def file_name(guide: Guide, role: str) -> str:
    """The published name of a file: <guide>-<edition>-<role>.pdf (a contract)."""
    return f"{guide.id}-{guide.edition}-{SUFFIX[role]}.pdf"


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH in whole seconds, None when unset; ValueError when it is not such a number."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) > MAX_EPOCH:
        raise ValueError(raw)
    return int(raw)


def pdf_date(guide: Guide) -> str | None:
    """The files' date: SOURCE_DATE_EPOCH if set, else the guide's date, else none at all."""
    epoch = source_date_epoch()
    if epoch is not None:
        moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        return moment.strftime("D:%Y%m%d%H%M%SZ")
    if guide.date is not None:
        return guide.date.strftime("D:%Y%m%d000000Z")
    return None


def document_info(guide: Guide, title: str) -> dict[str, str]:
    """The Info dictionary of one file, keys as PDF names ("/Title"); names (the title, the topics)
    as plain text, their code and formulas as typed without backticks or delimiters."""
    made_with = _made_with()
    info = {
        "/Title": titles.plain(title),
        "/Author": ", ".join(guide.authors),
        "/Subject": titles.plain(guide.subtitle or guide.title),
        "/Keywords": ", ".join([*(titles.plain(t.title) for t in guide.topics), f"edition {guide.edition}"]),
        "/Creator": f"guide {__version__}",
        "/Producer": f"guide {__version__} ({made_with})",
    }
    date = pdf_date(guide)
    if date:
        info["/CreationDate"] = date
        info["/ModDate"] = date
    if not info["/Author"]:
        del info["/Author"]  # a guide without authors: no author, rather than an empty one
    return info
