"""File-derived text made literal before Streamlit markdown or Plotly sees it (every page uses these).

Every string that came from a file (names, clubs, file names, units, sentences quoting them) goes through one of
these, so it shows as the characters it is and never as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# Every string that came from a file (names, clubs, file names, units, sentences quoting them) goes through one of
# these before Streamlit markdown or Plotly sees it, so it shows as the characters it is and never as markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^])")
WORD_JOINER = "\u2060"  # invisible, no line break: splits a pattern without changing what the reader sees
# Streamlit's markdown rewrites TEXT after backslash escapes are resolved, so escaping cannot stop these:
# GFM autolink literals (www., http://, https://, mailto:, a@b.c), :material/x: icons (the source is even
# rewritten before parsing), emoji shortcodes and :streamlit:, and "->", "--", ">=" typographic replacements.
# A word joiner after ':' and '@', between 'www' and '.', and inside those pairs breaks every one of them.
_MD_BREAK = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))|(?<=[-<>~=])(?=[-<>=])")
# Line breaks and runs of blanks become one space (HTML shows them so anyway): no hard break, no code block.
_BLANKS = re.compile(r"[ \t\r\n\v\f\x1c-\x1f\x85\u2028\u2029]+")


def md_escape(text: object) -> str:
    """File-derived text made literal for Streamlit markdown, on one line.

    Markdown and HTML syntax (``**x**``, ``<img ...>``, ``[a](b)``, ``$x$``, ``:red[x]``) is backslash-escaped;
    the patterns Streamlit turns into links, icons or emoji after parsing (``www.x.test``, ``https://x``,
    ``a@b.test``, ``:material/warning:``, ``:smile:``) are split by an invisible word joiner; line breaks and
    runs of blanks become one space. For markdown bodies and for widget labels (expander, metric, button, tab);
    widgets that show plain text (selectbox options, dataframe cells, ``st.text``) need none of it.
    """
    one_line = _BLANKS.sub(" ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", _MD_BREAK.sub(WORD_JOINER, one_line))


# Plotly renders a subset of HTML (<a href>, <span style>, <b>, <br>) and $...$ in every label, tick, legend and
# hover text, and fills %{...} in hover templates; it decodes &entities; after that. So data is entity-escaped.
_PLOT_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%": "&#37;"}
_PLOT_SPECIAL = re.compile("[&<>$%]")


def plot_text(text: object) -> str:
    """File-derived text made literal for a Plotly figure: ``<b>x</b>`` shows as typed, ``%{x}`` is not filled.

    Plotly decodes the entities when it draws, so the reader sees the original; ``plot_unescape`` reverses it
    exactly (a clicked bar's club).
    """
    return _PLOT_SPECIAL.sub(lambda m: _PLOT_ENTITIES[m.group()], str(text))


def plot_texts(values: Iterable[object]) -> list[str]:
    """``plot_text`` of each value (a figure's categories, hover text or custom data)."""
    return [plot_text(v) for v in values]


def plot_unescape(text: str) -> str:
    """The original of a ``plot_text`` string (what a chart selection hands back)."""
    return html.unescape(text)
