"""What a notebook cell shows: headings, text, tables and charts in the page's language.

Headings and prose come from the label files, so one parameter (``lang``) switches the
whole page. Tables are emitted as plain HTML (no random ids), so stored outputs stay
identical from run to run and nbval can compare them.
"""

from __future__ import annotations

import html
import os

import pandas as pd
import plotly.graph_objects as go
from IPython.display import HTML, Markdown, display

from atmp_lib import claims
from atmp_lib.charts import localize, use_report_renderer
from atmp_lib.datasets import document_name
from atmp_lib.i18n import check_lang, t

_page = {"lang": "en"}


#: Set by Voila in the kernels it starts: the notebook is served as a web app.
SERVED_ENV = "SERVER_SOFTWARE"


def served() -> bool:
    """True when the notebook runs as a web app (Voila): the page's prose, tables and
    charts are the report's; the app shows only its controls and their charts."""
    return os.environ.get(SERVED_ENV, "").startswith("voila")


def _show(content: object, **extra: object) -> None:
    """Display one output with the claims recorded for it (see atmp_lib.claims) and any
    extra data for the report (a table's cells); nothing when served as an app."""
    metadata = claims.output_metadata()
    if served():
        return
    if extra:
        metadata.setdefault(claims.METADATA_KEY, {}).update(extra)
    display(content, metadata=metadata)


def setup(lang: str) -> None:
    """Check the language parameter, remember it for charts and select the plotly renderer."""
    _page["lang"] = check_lang(lang)
    use_report_renderer()
    pd.set_option("display.max_colwidth", None)


def escape(value: object) -> str:
    """A value as text that Markdown shows literally: no markup of its own reaches the page
    (a parameter file may be named ``<img src=x onerror=...>.yaml``)."""
    return html.escape(str(value), quote=False)


def heading(level: int, label_id: str, lang: str, **values: object) -> None:
    """Show a Markdown heading (level 1-4) taken from the labels, values escaped."""
    safe = {name: escape(value) for name, value in values.items()}
    _show(Markdown(f"{'#' * level} {t(label_id, lang, **safe)}"))


def text(label_id: str, lang: str, **values: object) -> None:
    """Show a paragraph of prose taken from the labels, with figures filled in (escaped)."""
    safe = {name: escape(value) for name, value in values.items()}
    _show(Markdown(t(label_id, lang, **safe)))


def markdown(content: str) -> None:
    """Show Markdown composed by the library (e.g. a computed list); the library escapes
    any value it puts in with :func:`escape`."""
    _show(Markdown(content))


def table(frame: pd.DataFrame, note: str | None = None) -> None:
    """Show a table as static HTML, with its source note underneath; its cells also travel
    in the output's metadata, so the report can offer them as CSV."""
    body = frame.to_html(index=False, escape=True, border=0, classes="atmp-table", na_rep="")
    if note:
        body += f'\n<p class="atmp-source-note"><small>{html.escape(note)}</small></p>'
    _show(HTML(body), table=table_data(frame))


def table_data(frame: pd.DataFrame) -> dict[str, list]:
    """A table's header and cells as plain JSON values (text as shown, numbers as numbers)."""
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return {"columns": [str(column) for column in frame.columns], "rows": rows}


def figure(fig: go.Figure) -> None:
    """Show a chart through the report renderer, with the page language's number format
    (not when served as an app: see :func:`served`)."""
    if not served():
        localize(fig, _page["lang"]).show()


def verdict(verdicts: pd.DataFrame, verdict_id: str, lang: str) -> None:
    """Show one of the source's own judgements verbatim (Swedish), translated on English pages."""
    _show(HTML(verdict_html(verdicts, verdict_id, lang)))


def verdict_html(verdicts: pd.DataFrame, verdict_id: str, lang: str) -> str:
    """A block quote in Swedish, then (in English) its translation, then where it stands."""
    match = verdicts[verdicts["id"] == verdict_id]
    if match.empty:
        raise KeyError(f"verdicts.csv has no row with id {verdict_id!r}")
    row = match.iloc[0]
    quote = html.escape(row["quote"])
    parts = [f'<blockquote class="atmp-verdict" lang="sv">”{quote}”</blockquote>']
    if lang == "en":
        translation = t("verdict_translation", lang, text=row["translation"])
        parts.append(f'<p class="atmp-translation">{html.escape(translation)}</p>')
    source = document_name(row["source"], lang)
    where = t("verdict_source", lang, source=source, locator=row["locator"])
    parts.append(f'<p class="atmp-source-note"><small>{html.escape(where)}</small></p>')
    return "\n".join(parts)


def note(content: str) -> None:
    """Show a small-print note (a source, a formula, an assumption)."""
    _show(HTML(f'<p class="atmp-source-note"><small>{html.escape(content)}</small></p>'))
