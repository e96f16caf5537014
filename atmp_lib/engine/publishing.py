"""Executed notebooks to HTML pages that work from disk, and the run's entry page.

Pages use the ``atmp`` nbconvert template (``templates/atmp``, extending ``lab``): code
inputs and prompts hidden, no require.js/MathJax/mermaid/widget scripts from a CDN. A page
is converted once (:func:`render_page`) and finished for a run (:func:`finish_page`): its
navigation bar, footer and plotly.js are filled in between markers, so a page kept in the
cache serves later runs without being converted again. plotly.js is one file in the run
folder's ``assets/`` that every page references relatively, or inline in a self-contained
page; either way the charts drawn by :mod:`atmp_lib.charts` render offline.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atmp_lib.engine import downloads
from atmp_lib.i18n import LANGUAGES, t

if TYPE_CHECKING:
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "atmp"
NAV_START, NAV_END = "<!--atmp:nav-->", "<!--/atmp:nav-->"
TOC_START, TOC_END = "<!--atmp:toc-->", "<!--/atmp:toc-->"
PLOTLY_START, PLOTLY_END = "<!--atmp:plotly-->", "<!--/atmp:plotly-->"
FOOTER_START, FOOTER_END = "<!--atmp:footer-->", "<!--/atmp:footer-->"
CSS_START, CSS_END = "<!--atmp:css-->", "<!--/atmp:css-->"
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", flags=re.DOTALL)
ASSETS_DIR = "assets"
PLOTLY_ASSET = "plotly.min.js"
HEADING_LINE = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")

#: The report chrome's words; each is the label ``report_<key>`` in atmp_lib/labels/report.csv.
UI_KEYS = (
    "index", "previous", "next", "contents", "parameters", "failed", "not_run", "notebook",
    "title", "run", "status", "succeeded", "interrupted", "yes", "no", "skip", "sections_nav",
    "language_name", "svg_download", "downloads", "workbook", "data_package", "sources_page",
    "pdf",
)  # fmt: skip


PAGE_CSS = """
.atmp-nav { position: sticky; top: 0; z-index: 10; display: flex; gap: 1.5em;
  flex-wrap: wrap; padding: 0.6em 1em; background: #f4f6f8; border-bottom: 1px solid #d0d7de;
  font-family: Arial, sans-serif; font-size: 14px; }
.atmp-nav a { color: #0b5cad; text-decoration: none; }
.atmp-nav a:hover { text-decoration: underline; }
.atmp-nav .atmp-nav-next { margin-left: auto; }
.atmp-toc { margin: 1em 1em 0 1em; padding: 0.5em 1em; border: 1px solid #d0d7de;
  border-radius: 4px; font-family: Arial, sans-serif; font-size: 14px; max-width: 60em; }
.atmp-toc ul { margin: 0.3em 0; padding-left: 1.2em; }
.atmp-toc li.atmp-toc-h3, .atmp-toc li.atmp-toc-h4 { margin-left: 1.2em; }
.atmp-verdict { margin: 0.8em 0; padding: 0.4em 1em; border-left: 4px solid #0b5cad;
  background: #f4f6f8; font-style: italic; }
.atmp-translation { margin-top: 0; color: #333; }
.atmp-footer { margin: 2em 1em 1em 1em; color: #555; font: 12px Arial, sans-serif; }
.jp-CodeCell.jp-mod-noOutputs.jp-mod-noInput { display: none; }
.atmp-skip { position: absolute; left: -10000px; top: 0; }
.atmp-skip:focus { left: 1em; top: 0.5em; z-index: 20; padding: 0.4em 0.8em; background: #fff;
  border: 2px solid #0b5cad; }
.atmp-nav .atmp-nav-lang { font-weight: bold; }
.atmp-chart { margin: 0.5em 0 1.5em 0; }
.atmp-chart figcaption, .atmp-data-link { font: 13px Arial, sans-serif; color: #333; }
.atmp-chart-description { margin: 0.3em 0; }
.atmp-data-link { margin: 0.2em 0 1em 0; }
.atmp-data-link a, .atmp-chart-data summary { color: #0b5cad; }
.jp-RenderedHTMLCommon a, .atmp-data-link a { text-decoration: underline !important; }
.atmp-table caption { caption-side: top; text-align: left; font-weight: bold; padding: 0.3em 0; }
@media print {
  .atmp-nav, .atmp-toc, .atmp-skip, .atmp-data-link, .atmp-chart-data, .modebar { display: none; }
  body { font-size: 11pt; }
  .atmp-chart, .atmp-figure, table { break-inside: avoid; page-break-inside: avoid; }
  .atmp-figure { width: 17cm !important; max-width: 100%; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 1.5cm; }
"""

#: The chart toolbar of a report page: no cloud buttons; PNG and SVG downloads; the page
#: language's texts (plotly.js's own English, or the Swedish locale in assets/).
PLOT_CONFIG_SCRIPT = """<script type="text/javascript">
window.atmpPlotConfig = function (id) {
  return {responsive: true, displaylogo: false, showSendToCloud: false,
    showEditInChartStudio: false, showLink: false, locale: %(locale)s,
    modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"],
    toImageButtonOptions: {format: "png", filename: id},
    modeBarButtonsToAdd: [{name: "downloadSvg", title: %(svg_title)s,
      icon: window.Plotly.Icons.camera,
      click: function (gd) { window.Plotly.downloadImage(gd, {format: "svg", filename: id}); }}]};
};
</script>"""
LOCALE_ASSET = "plotly-locale-sv.js"
ASSET_SOURCES = Path(__file__).resolve().parent / "assets"


@dataclass(frozen=True)
class Link:
    """A link target and its text."""

    href: str
    label: str


@dataclass(frozen=True)
class PageNav:
    """Where a page's navigation bar points: the entry page, the neighbouring sections, and
    the same page in the other language (``twin``, written in ``twin_lang``)."""

    index_href: str
    previous: Link | None = None
    next: Link | None = None
    twin: Link | None = None
    twin_lang: str | None = None


@dataclass(frozen=True)
class IndexEntry:
    """One section in the entry page: its title, page (None when missing) and status."""

    section: str
    title: str
    href: str | None
    status: str
    notebook_href: str | None = None


@dataclass(frozen=True)
class IndexGroup:
    """The sections run with one parameter file in one language."""

    label: str
    lang: str | None
    parameters: dict[str, Any]
    entries: list[IndexEntry] = field(default_factory=list)


def ui_text(lang: str | None) -> dict[str, str]:
    """The report chrome's words in ``lang`` (English when unknown)."""
    lang = lang if lang in LANGUAGES else "en"
    return {key: t(f"report_{key}", lang) for key in UI_KEYS}


@cache
def plotly_js() -> str:
    """The installed plotly.min.js, read once per process, safe inside a ``<script>``."""
    source = resources.files("plotly") / "package_data" / "plotly.min.js"
    return source.read_text(encoding="utf-8").replace("</script", "<\\/script")


#: Output mimetypes in order of preference. Widget views are left out: without a kernel and
#: the widget manager (a CDN script) they show nothing, so their HTML or text fallback wins.
DISPLAY_PRIORITY = [
    "application/javascript", "text/html", "text/markdown", "image/svg+xml", "text/latex",
    "image/png", "image/jpeg", "text/plain",
]  # fmt: skip


#: Cells tagged so speak to someone with the notebook open (how to run it, which
#: parameters to set); the report leaves them out.
NOTEBOOK_ONLY_TAG = "notebook-only"


@cache
def _exporter() -> HTMLExporter:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config(
        {
            "NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY},
            "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": [NOTEBOOK_ONLY_TAG]},
        }
    )
    return HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def preload() -> None:
    """Build the exporter now (e.g. while a kernel starts)."""
    _ = _exporter().template  # compiles the Jinja template


def notebook_title(nb: NotebookNode) -> str | None:
    """The first Markdown heading, in a markdown cell or a Markdown output, in cell order."""
    for cell in nb.cells:
        for text in _markdown_texts(cell):
            title = first_heading(text)
            if title:
                return title
    return None


def _markdown_texts(cell: NotebookNode) -> list[str]:
    if cell.get("cell_type") == "markdown":
        return [_joined(cell.get("source", ""))]
    outputs = cell.get("outputs", [])
    return [
        _joined(o["data"]["text/markdown"]) for o in outputs if "text/markdown" in o.get("data", {})
    ]


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def first_heading(markdown: str) -> str | None:
    """The text of the first ATX heading (``# Title``) outside code fences."""
    in_fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING_LINE.match(line)
        if match:
            return re.sub(r"[*_`]", "", match.group(2)).strip()
    return None


def render_page(
    nb: NotebookNode, *, lang: str | None, title: str, data_folder: str = "data"
) -> tuple[str, list[downloads.DataFile]]:
    """The HTML page of one executed notebook, with its table of contents, captions, chart
    descriptions and links to ``data_folder`` (next to the page) for the data of its tables
    and charts, and those data files; navigation, footer and plotly.js are left for
    :func:`finish_page`."""
    files = downloads.annotate(nb, lang, data_folder, NOTEBOOK_ONLY_TAG)
    exporter = _exporter()
    exporter.language_code = lang if lang in LANGUAGES else "en"
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"atmp": {"css": PAGE_CSS}})
    return insert_toc(_accessible(_gathered_styles(body)), lang), files


def _gathered_styles(page: str) -> str:
    """Every style element of the head moved into one marked region, so that a run can
    share it as one file (see :func:`finish_page`)."""
    end = page.find("</head>")
    head, rest = page[:end], page[end:]
    styles = "".join(STYLE_ELEMENT.findall(head))
    return STYLE_ELEMENT.sub("", head) + CSS_START + styles + CSS_END + rest


def page_styles(page: str) -> str:
    """The CSS of a rendered page's style region (for the run's shared stylesheet)."""
    start, end = page.find(CSS_START), page.find(CSS_END)
    region = page[start + len(CSS_START) : end] if 0 <= start < end else ""
    return "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", region, flags=re.DOTALL))


def _accessible(page: str) -> str:
    """What nbconvert's page lacks for keyboard and screen-reader users: output areas are
    not tab stops (nothing in them is interactive), and the main region is the skip link's
    target."""
    page = page.replace(' tabindex="0"', "")
    return page.replace("<main>", '<main id="atmp-content">', 1)


def finish_page(
    page: str,
    *,
    nav: PageNav,
    lang: str | None,
    footer: str,
    plotly_tag: str,
    css_href: str | None = None,
) -> str:
    """Fill a rendered page's navigation bar, footer and plotly.js (with the chart toolbar's
    settings for the page language) for one run; with ``css_href`` its styles come from
    that shared stylesheet, else they stay in the page."""
    if css_href is not None:
        link = f'<link rel="stylesheet" type="text/css" href="{html.escape(css_href)}"/>'
        page = _between(page, CSS_START, CSS_END, link)
    page = _between(page, NAV_START, NAV_END, nav_html(nav, lang))
    page = _between(page, FOOTER_START, FOOTER_END, html.escape(footer))
    return _between(page, PLOTLY_START, PLOTLY_END, plotly_tag + plot_config_script(lang))


def plot_config_script(lang: str | None) -> str:
    """The script setting the page's chart toolbar (see :data:`PLOT_CONFIG_SCRIPT`)."""
    words = ui_text(lang)
    locale = "sv" if lang == "sv" else "en"
    return PLOT_CONFIG_SCRIPT % {
        "locale": json.dumps(locale),
        "svg_title": json.dumps(words["svg_download"]),
    }


def relative_href(from_page: str, to_path: str) -> str:
    """The link from one file of the run folder to another (both given from its root)."""
    return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")


def write_claims(path: Path, pages: list[tuple[str, str, Path]], raw_dir: Path) -> dict[str, Any]:
    """The claims register of the given pages (page, language, executed notebook): every
    number each states and the recorded claim that explains it; returns its summary."""
    import nbformat

    from atmp_lib import claims

    sources = claims.source_texts(raw_dir)
    statements = []
    for page, lang, notebook in pages:
        nb = nbformat.read(notebook, as_version=4)
        statements += claims.register(nb, page, lang, sources)
    claims.write_register(path, statements)
    return {
        "file": path.name,
        "statements": len(statements),
        "unexplained": len(claims.unexplained(statements)),
    }


def plotly_file_tag(href: str, locale_href: str) -> str:
    """The script tags of a page that uses the run folder's shared plotly.js (and its
    Swedish texts)."""
    return (
        f'<script type="text/javascript" id="atmp-plotlyjs" src="{html.escape(href)}"></script>'
        f'<script type="text/javascript" src="{html.escape(locale_href)}"></script>'
    )


def plotly_inline_tag() -> str:
    """The script tags of a self-contained page: plotly.js and its Swedish texts inline."""
    locale = (ASSET_SOURCES / LOCALE_ASSET).read_text(encoding="utf-8")
    return (
        f'<script type="text/javascript" id="atmp-plotlyjs">{plotly_js()}</script>'
        f'<script type="text/javascript">{locale}</script>'
    )


def write_stylesheet(run_dir: Path, css: str) -> str:
    """Write a stylesheet shared by the run's pages once (named by its content); returns its
    path inside the run folder."""
    name = f"{ASSETS_DIR}/page-{hashlib.sha256(css.encode('utf-8')).hexdigest()[:12]}.css"
    if not (run_dir / name).exists():
        write_page(run_dir / name, css)
    return name


def write_assets(run_dir: Path) -> Path:
    """Write the run folder's shared plotly.js and its Swedish texts once; returns the
    plotly.js path."""
    target = run_dir / ASSETS_DIR / PLOTLY_ASSET
    if not target.exists():
        write_page(target, plotly_js())
    locale = run_dir / ASSETS_DIR / LOCALE_ASSET
    if not locale.exists():
        write_page(locale, (ASSET_SOURCES / LOCALE_ASSET).read_text(encoding="utf-8"))
    return target


def write_page(path: Path, page: str) -> None:
    """Write a page or other text file (UTF-8) through a temporary file, so it is whole or
    absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def nav_html(nav: PageNav, lang: str | None) -> str:
    """A skip link, then the navigation bar: entry page, the page in the other language,
    previous and next section."""
    words = ui_text(lang)
    skip = f'<a class="atmp-skip" href="#atmp-content">{html.escape(words["skip"])}</a>'
    index = html.escape(nav.index_href)
    parts = [f'<a class="atmp-nav-index" href="{index}">{words["index"]}</a>']
    if nav.twin and nav.twin_lang:
        twin_lang = html.escape(nav.twin_lang)
        parts.append(
            f'<a class="atmp-nav-lang" href="{html.escape(nav.twin.href)}" '
            f'hreflang="{twin_lang}" lang="{twin_lang}">{html.escape(nav.twin.label)}</a>'
        )
    if nav.previous:
        text = f"← {words['previous']}: {nav.previous.label}"
        parts.append(_nav_link("atmp-nav-prev", "prev", nav.previous.href, text))
    if nav.next:
        text = f"{words['next']}: {nav.next.label} →"
        parts.append(_nav_link("atmp-nav-next", "next", nav.next.href, text))
    label = html.escape(words["sections_nav"])
    return f'{skip}<nav class="atmp-nav" aria-label="{label}">{"".join(parts)}</nav>'


def _nav_link(css_class: str, rel: str, href: str, text: str) -> str:
    # attributes in the order nbconvert's HTML clean-up writes them, so pages look the same
    # before and after replace_nav
    return f'<a class="{css_class}" href="{html.escape(href)}" rel="{rel}">{html.escape(text)}</a>'


def _between(page: str, start: str, end: str, content: str) -> str:
    """Replace what lies between the first ``start`` marker and the next ``end`` marker."""
    head = page.find(start)
    tail = page.find(end, head)
    if head < 0 or tail < 0:
        raise ValueError(f"page has no {start} … {end} markers (not made by the atmp template)")
    return page[: head + len(start)] + content + page[tail:]


class _HeadingCollector(HTMLParser):
    """Collect (level, id, text) of h1–h4 elements that carry an id; skip anchor links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self._current: tuple[int, str] | None = None
        self._text: list[str] = []
        self._in_anchor = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4") and values.get("id"):
            self._current, self._text = (int(tag[1]), values["id"] or ""), []
        elif tag == "a" and "anchor-link" in (values.get("class") or ""):
            self._in_anchor = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_anchor = False
        elif self._current and tag == f"h{self._current[0]}":
            level, anchor = self._current
            self.headings.append((level, anchor, " ".join("".join(self._text).split())))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current and not self._in_anchor:
            self._text.append(data)


def table_of_contents(page: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the page body's headings, in order."""
    collector = _HeadingCollector()
    body_start = page.find(TOC_END)
    collector.feed(page[body_start:] if body_start >= 0 else page)
    collector.close()
    return collector.headings


def toc_html(headings: list[tuple[int, str, str]], lang: str | None) -> str:
    """The table of contents as a nav element (empty when the page has no headings)."""
    if not headings:
        return ""
    items = "".join(
        f'<li class="atmp-toc-h{level}"><a href="#{html.escape(anchor)}">{html.escape(text)}</a>'
        "</li>"
        for level, anchor, text in headings
    )
    contents = ui_text(lang)["contents"]
    heading = f"<strong>{contents}</strong>"
    return f'<nav class="atmp-toc" aria-label="{contents}">{heading}<ul>{items}</ul></nav>'


def insert_toc(page: str, lang: str | None) -> str:
    """Fill the table-of-contents marker from the page's own headings."""
    return _between(page, TOC_START, TOC_END, toc_html(table_of_contents(page), lang))


# --------------------------------------------------------------------------- entry page

INDEX_CSS = """
body { font-family: Arial, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em;
  color: #1f2328; line-height: 1.5; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
table.atmp-params { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
table.atmp-params th, table.atmp-params td { border: 1px solid #d0d7de; padding: 0.2em 0.6em;
  text-align: left; }
.atmp-status-failed { color: #b3261e; font-weight: bold; }
.atmp-meta { color: #555; font-size: 0.9em; }
"""


def index_html(
    run_id: str, status: str, groups: list[IndexGroup], created: str, offered: list[str] = ()
) -> str:
    """The run's entry page, in both languages: for each parameter file and language its
    sections in order (each group in its own language), then the run's downloads."""
    words = {lang: ui_text(lang) for lang in LANGUAGES}
    title = " / ".join(
        f'<span lang="{lang}">{html.escape(words[lang]["title"])}</span>' for lang in LANGUAGES
    )
    plain_title = " / ".join(words[lang]["title"] for lang in LANGUAGES)
    state = words["en"].get(status, status), words["sv"].get(status, status)
    body = [
        f"<h1>{title}</h1>",
        f'<p class="atmp-meta">{words["en"]["run"]} {html.escape(run_id)} · {html.escape(created)}'
        f' · {words["en"]["status"]}: <span class="atmp-status-{html.escape(status)}">'
        f'{html.escape(state[0])}</span> (<span lang="sv">{html.escape(state[1])}</span>)</p>',
    ]
    for group in groups:
        body += _group_html(group, show_heading=len(groups) > 1 or bool(group.parameters))
    if offered:
        body += _downloads_html(offered)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(plain_title)}</title>\n<style>{INDEX_CSS}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _downloads_html(offered: list[str]) -> list[str]:
    keys = {".xlsx": "workbook", "datapackage.json": "data_package", ".html": "sources_page",
            ".pdf": "pdf"}  # fmt: skip
    items = []
    for href in offered:
        key = next(value for ending, value in keys.items() if href.endswith(ending))
        lang = "sv" if href.endswith("-sv.pdf") else "en"
        both = " / ".join(
            f'<span lang="{code}">{html.escape(ui_text(code)[key])}</span>' for code in LANGUAGES
        )
        label = (
            f'<span lang="{lang}">{html.escape(ui_text(lang)[key])}</span>'
            if key == "pdf"
            else both
        )
        items.append(f'<li><a href="{html.escape(href)}">{label}</a></li>')
    heading = " / ".join(
        f'<span lang="{code}">{ui_text(code)["downloads"]}</span>' for code in LANGUAGES
    )
    return [f"<h2>{heading}</h2>", f'<ul class="atmp-downloads">{"".join(items)}</ul>']


def _group_html(group: IndexGroup, show_heading: bool) -> list[str]:
    words = ui_text(group.lang)
    lang = html.escape(group.lang or "en")
    parts = [f'<section lang="{lang}" aria-label="{html.escape(group.label)}">']
    parts += [f"<h2>{html.escape(group.label)}</h2>"] if show_heading else []
    if group.parameters:
        rows = "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_show(v, words))}</td></tr>"
            for k, v in group.parameters.items()
        )
        label = words["parameters"]
        parts.append(f'<table class="atmp-params" aria-label="{label}">{rows}</table>')
    items = "".join(f"<li>{_entry_html(entry, words)}</li>" for entry in group.entries)
    parts.append(f'<ol class="atmp-sections">{items}</ol>')
    parts.append("</section>")
    return parts


def sources_rows(documents: list[dict[str, Any]]) -> list[list[str]]:
    """The source documents as rows (header first): file, title, kind, publisher, year."""
    rows = [["file", "title", "kind", "publisher", "year", "language"]]
    for document in documents:
        rows.append([
            document.get("name", ""), document.get("title", ""),
            document.get("atmp:kind_en", ""), document.get("atmp:publisher", ""),
            document.get("atmp:year") or "not stated", document.get("atmp:language", ""),
        ])  # fmt: skip
    return rows


def sources_html(documents: list[dict[str, Any]], references: list[dict[str, str]]) -> str:
    """The sources page, in both languages: the documents every figure traces back to, and
    the public sources of the reference tables (population statistics, public facts)."""
    sections = []
    for lang in LANGUAGES:
        words = {key: t(f"sources_{key}", lang) for key in SOURCE_WORDS}
        items = "".join(_document_html(document, lang, words) for document in documents)
        rows = "".join(_reference_row(reference, lang) for reference in references)
        head = "".join(f'<th scope="col">{words[key]}</th>' for key in
                       ("reference", "agency", "date", "address"))  # fmt: skip
        sections.append(
            f'<section lang="{lang}"><h2>{words["heading"]}</h2><p>{words["intro"]}</p>'
            f"<ul>{items}</ul><h3>{words['references']}</h3>"
            f'<table class="atmp-params"><caption>{words["references"]}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
        )
    title = " / ".join(t("sources_heading", lang) for lang in LANGUAGES)
    heading = " / ".join(
        f'<span lang="{lang}">{html.escape(t("sources_heading", lang))}</span>'
        for lang in LANGUAGES
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{INDEX_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{heading}</h1>\n"
        + "\n".join(sections)
        + "\n</main>\n</body>\n</html>\n"
    )


def _reference_row(reference: dict[str, str], lang: str) -> str:
    """One public source of a reference table: what it gives, who publishes it, when, where."""
    address = reference.get("url", "")
    link = f'<a href="{html.escape(address)}">{html.escape(address)}</a>' if address else ""
    cells = (reference.get(f"what_{lang}", ""), reference.get(f"organisation_{lang}", ""),
             reference.get("date", ""))  # fmt: skip
    return (
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + f"<td>{link}</td></tr>"
    )


SOURCE_WORDS = ("heading", "intro", "references", "reference", "date", "agency", "address",
                "year_not_stated", "file")  # fmt: skip


def _document_html(document: dict[str, Any], lang: str, words: dict[str, str]) -> str:
    year = document.get("atmp:year") or words["year_not_stated"]
    kind = document.get(f"atmp:kind_{lang}", "")
    publisher = document.get(f"atmp:publisher_{lang}") or document.get("atmp:publisher", "")
    title_lang = html.escape(document.get("atmp:language", "en"))
    return (
        f'<li><cite lang="{title_lang}">{html.escape(document.get("title", ""))}</cite>. '
        f"{html.escape(kind)}, {html.escape(publisher)}, "
        f"{html.escape(year)}. {words['file']}: <code>{html.escape(document.get('name', ''))}"
        "</code></li>"
    )


def _entry_html(entry: IndexEntry, words: dict[str, str]) -> str:
    title = html.escape(entry.title)
    text = f'<a href="{html.escape(entry.href)}">{title}</a>' if entry.href else title
    if entry.status != "succeeded":
        word = words["failed"] if entry.status == "failed" else words["not_run"]
        text += f' <span class="atmp-status-failed">({word})</span>'
        if entry.notebook_href:
            text += f' <a href="{html.escape(entry.notebook_href)}">{words["notebook"]}</a>'
    return text


def _show(value: Any, words: dict[str, str]) -> str:
    """A parameter value as the index shows it: lists joined, booleans as yes/no words."""
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
