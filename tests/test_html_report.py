"""HTML pages: offline (no CDN), plotly.js once, inputs hidden, navigation, contents, and
figures that really render in a headless browser; also the report of the real sections."""

from __future__ import annotations

import csv
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from browser import figure_report, render_doms

from atmp_lib import datasets, params
from atmp_lib.engine import publishing
from atmp_lib.engine.publishing import IndexEntry, IndexGroup, Link, PageNav
from atmp_lib.sections.scenarios import parameters as scenario_parameters

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXECUTED = FIXTURES / "executed"
PLOTLY_BANNER = "* plotly.js v"
PROJECT = Path(__file__).resolve().parent.parent


class _Assets(HTMLParser):
    """External references: script src, link href, img/iframe src; and every script body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.external: list[str] = []
        self.scripts_with_src: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.scripts_with_src.append(values["src"] or "")
        for name in ("src", "href"):
            value = values.get(name) or ""
            if tag in ("script", "link", "img", "iframe") and re.match(r"(https?:)?//", value):
                self.external.append(f"<{tag} {name}={value}>")


def offline_problems(page: str, path: Path | None = None) -> list[str]:
    """Everything that would make a page need the network or load plotly.js twice. A page
    written at ``path`` may load plotly.js from a relative file that exists; otherwise
    plotly.js must be inline."""
    assets = _Assets()
    assets.feed(page)
    problems = [f"external asset {ref}" for ref in assets.external]
    for src in assets.scripts_with_src:
        local = path is not None and not re.match(r"[a-z]+:|/", src)
        if not (local and (path.parent / src).is_file()):
            problems.append(f"script loaded from {src}")
    if path is not None and assets.scripts_with_src:
        page = page.replace("<head>", "<head>" + PLOTLY_BANNER, 1)  # loaded once, from a file
    outside_plotly = _without_plotly_js(page)
    for marker in (
        "require.js",
        "require.min.js",
        "requirejs",
        "x-mathjax-config",
        "mathjax.js",
        "cdnjs",
        "jsdelivr",
        "unpkg",
        "cdn.plot.ly",
        'src="http',
        'href="http',
        "html-manager",
        "embed-amd",
        "mermaid",
    ):
        if marker in outside_plotly.lower():
            problems.append(f"{marker!r} outside plotly.js")
    if page.count(PLOTLY_BANNER) != 1 or page.count('id="atmp-plotlyjs"') != 1:
        problems.append(f"plotly.js embedded {page.count(PLOTLY_BANNER)} times")
    head_end = page.find("</head>")
    if not 0 < page.find(PLOTLY_BANNER) < head_end:
        problems.append("plotly.js is not in <head>")
    return problems


def _without_plotly_js(page: str) -> str:
    start = page.find(PLOTLY_BANNER)
    end = page.find("</script>", start)
    return page[:start] + page[end:] if start >= 0 else page


def read(name: str):  # noqa: ANN201 - a NotebookNode
    return nbformat.read(EXECUTED / name, as_version=4)


def render(name: str, lang: str = "en", nav: PageNav | None = None) -> str:
    """A fixture notebook's page, finished as a self-contained page."""
    nb = read(name)
    title = publishing.notebook_title(nb) or name
    nav = nav or PageNav("../../index.html", None, Link("02_beta.html", "Beta title"))
    page, _ = publishing.render_page(nb, lang=lang, title=title)
    return publishing.finish_page(
        page, nav=nav, lang=lang, footer="fixture", plotly_tag=publishing.plotly_inline_tag()
    )


# --------------------------------------------------------------------------- one page


@pytest.fixture(scope="module")
def alpha_page() -> str:
    return render("01_alpha.en.ipynb")


def test_page_needs_no_network_and_embeds_plotly_once(alpha_page: str) -> None:
    assert offline_problems(alpha_page) == []
    assert "window.Plotly = Plotly" in alpha_page


def test_code_inputs_and_prompts_are_hidden(alpha_page: str) -> None:
    nb = read("01_alpha.en.ipynb")
    for cell in nb.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                assert line.strip() not in alpha_page or not line.strip(), line
    assert 'class="jp-CodeMirrorEditor' not in alpha_page
    assert 'class="jp-InputPrompt' not in alpha_page and 'class="highlight' not in alpha_page
    assert "In&nbsp;[" not in alpha_page and 'class="jp-OutputPrompt' not in alpha_page


def test_markdown_and_outputs_are_kept(alpha_page: str) -> None:
    assert "Fixture section <em>alpha</em>" in alpha_page
    assert "GB, US, CA" in alpha_page
    assert alpha_page.count('class="atmp-figure"') == 1


def test_navigation_bar_links_index_and_neighbours(alpha_page: str) -> None:
    nav = alpha_page[alpha_page.find(publishing.NAV_START) : alpha_page.find(publishing.NAV_END)]
    assert '<a class="atmp-nav-index" href="../../index.html">Report index</a>' in nav
    assert '<a class="atmp-nav-next" href="02_beta.html" rel="next">Next: Beta title →</a>' in nav
    assert 'class="atmp-nav-prev"' not in nav


def test_table_of_contents_lists_the_page_headings(alpha_page: str) -> None:
    headings = publishing.table_of_contents(alpha_page)
    assert [(level, text) for level, _, text in headings] == [
        (1, "Alpha title (en)"),
        (2, "Countries"),
    ]
    toc = alpha_page[alpha_page.find(publishing.TOC_START) : alpha_page.find(publishing.TOC_END)]
    for _, anchor, text in headings:
        assert f'<a href="#{anchor}">{text}</a>' in toc
        assert f'id="{anchor}"' in alpha_page


def test_page_language_and_title() -> None:
    page = render("01_alpha.sv.ipynb", lang="sv")
    assert '<html lang="sv">' in page and "<title>Alfa-titel (sv)</title>" in page
    assert "Rapportens startsida" in page and "Innehåll" in page


def test_a_rendered_page_is_finished_for_each_run_without_converting_it_again() -> None:
    rendered, _ = publishing.render_page(read("01_alpha.en.ipynb"), lang="en", title="t")
    assert PLOTLY_BANNER not in rendered
    nav = PageNav("../../index.html", Link("00.html", "Intro"))
    tag = publishing.plotly_file_tag("../../assets/plotly.min.js", "../../assets/l.js")
    page = publishing.finish_page(rendered, nav=nav, lang="en", footer="run <1>", plotly_tag=tag)
    assert 'href="00.html" rel="prev">← Previous: Intro</a>' in page
    assert 'class="atmp-nav-next"' not in page
    assert "run &lt;1&gt;" in page
    assert 'id="atmp-plotlyjs" src="../../assets/plotly.min.js"' in page
    assert len(page) - len(rendered) < 1500  # the filled-in parts only


def test_widget_views_show_their_html_fallback_without_widget_state() -> None:
    nb = read("01_alpha.en.ipynb")
    nb.cells[-1].outputs.append(
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "application/vnd.jupyter.widget-view+json": {
                        "version_major": 2,
                        "version_minor": 0,
                        "model_id": "m1",
                    },
                    "text/plain": "VBox(...)",
                    "text/html": "<p>Explorer: open in JupyterLab</p>",
                },
            }
        )
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    page, _ = publishing.render_page(nb, lang="en", title="t")
    assert "<p>Explorer: open in JupyterLab</p>" in page
    assert "widget-view+json" not in page and "widget-state+json" not in page


# --------------------------------------------------------------------------- titles


def test_title_is_the_first_heading_in_markdown_cells_or_outputs() -> None:
    assert publishing.notebook_title(read("01_alpha.en.ipynb")) == "Alpha title (en)"
    assert publishing.notebook_title(read("02_beta.en.ipynb")) == "Beta title"


def test_first_heading_skips_code_fences_and_strips_emphasis() -> None:
    text = "intro\n```\n# not a heading\n```\n## The *real* title ##\n# later"
    assert publishing.first_heading(text) == "The real title"
    assert publishing.first_heading("no heading here\n#hashtag") is None


# --------------------------------------------------------------------------- entry page


def test_entry_page_is_self_contained_and_ordered() -> None:
    groups = [
        IndexGroup(
            "params/default.yaml · en",
            "en",
            {"lang": "en", "countries": ["GB", "US"]},
            [
                IndexEntry("01_a", "First <b>section</b>", "default/en/01_a.html", "succeeded"),
                IndexEntry("02_b", "Second", None, "failed", "default/en/02_b.ipynb"),
            ],
        ),
        IndexGroup(
            "params/default.yaml · sv",
            "sv",
            {"lang": "sv"},
            [
                IndexEntry("01_a", "Första", "default/sv/01_a.html", "succeeded"),
            ],
        ),
    ]
    page = publishing.index_html("RUN-1", "failed", groups, "2025-01-01 00:00 UTC")
    assert offline_problems(page) == ["plotly.js embedded 0 times", "plotly.js is not in <head>"]
    assert "<script" not in page and "<link" not in page
    assert re.findall(r'<a href="([^"]+)">', page) == [
        "default/en/01_a.html",
        "default/en/02_b.ipynb",
        "default/sv/01_a.html",
    ]
    assert "First &lt;b&gt;section&lt;/b&gt;" in page
    assert "<th>countries</th><td>GB, US</td>" in page
    assert page.index("params/default.yaml · en") < page.index("params/default.yaml · sv")


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_figures_render_offline_in_headless_chromium(tmp_path: Path) -> None:
    pages = []
    for name in ("01_alpha.en.ipynb", "02_beta.en.ipynb"):
        path = tmp_path / name.replace(".ipynb", ".html")
        path.write_text(render(name), encoding="utf-8")
        pages.append(path)
    for path, dom in render_doms(pages, tmp_path).items():
        figures = figure_report(dom)
        assert len(figures) == 1, path.name
        assert [f.id for f in figures if not f.rendered] == [], path.name


# --------------------------------------------------------------------------- real sections


def real_sections() -> list[params.Section]:
    sections, _ = params.load_sections(PROJECT / "notebooks", PROJECT)
    return sections


@pytest.mark.slow
def test_every_number_on_the_pages_is_explained_by_the_claims_register(
    real_report: Path,
) -> None:
    with (real_report / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pages = {row["page"] for row in rows}
    assert len(pages) == 2 * len(real_sections())  # every page, in both languages, states numbers
    unexplained = [
        f"{r['page']}: {r['number']} in {r['context']!r}" for r in rows if not r["basis"]
    ]
    assert unexplained == []
    summary = json.loads((real_report / "manifest.json").read_text(encoding="utf-8"))["claims"]
    assert summary == {"file": "claims.csv", "statements": len(rows), "unexplained": 0}


@pytest.mark.slow
def test_real_sections_make_offline_pages(real_report: Path) -> None:
    names = [s.name for s in real_sections()]
    pages = sorted(real_report.glob("*/en/*.html"))
    assert [p.stem for p in pages] == names
    pages += sorted(real_report.glob("*/sv/*.html"))
    for page in pages:
        assert offline_problems(page.read_text(encoding="utf-8"), page) == [], page.name
    index = (real_report / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="[^"]+/([^"/]+)\.html">', index) == names * 2


@pytest.mark.slow
@pytest.mark.browser
def test_real_section_figures_render_offline(real_report: Path, tmp_path: Path) -> None:
    pages = sorted(real_report.glob("*/*/*.html"))
    for page, dom in render_doms(pages, tmp_path).items():
        expected = page.read_text(encoding="utf-8").count('class="atmp-figure"')
        assert expected > 0, f"{page.name} has no chart"
        figures = figure_report(dom)
        assert len(figures) == expected, page.name
        assert [f.id for f in figures if not f.rendered] == [], page.name


def test_notebook_only_cells_are_left_out_of_the_page() -> None:
    nb = read("01_alpha.en.ipynb")
    note = nbformat.v4.new_markdown_cell("Run all cells in JupyterLab (tagged note)")
    note.metadata["tags"] = [publishing.NOTEBOOK_ONLY_TAG]
    kept = nbformat.v4.new_markdown_cell("A paragraph for every reader")
    nb.cells[:0] = [note, kept]
    page, _ = publishing.render_page(nb, lang="en", title="t")
    assert "A paragraph for every reader" in page
    assert "tagged note" not in page


def test_the_index_serves_both_languages_each_group_in_its_own() -> None:
    group = IndexGroup("params/default.yaml · sv", "sv", {"ccrm_established": True}, [])
    page = publishing.index_html("run-1", "succeeded", [group], "2026-01-01")
    assert '<span lang="sv">Kompetensbehov för ATMP i Sverige: rapport</span>' in page
    assert 'succeeded</span> (<span lang="sv">lyckades</span>)' in page
    assert '<section lang="sv" aria-label="params/default.yaml · sv">' in page
    assert "<td>ja</td>" in page and ">True<" not in page


@pytest.mark.slow
def test_real_pages_caption_every_table_and_link_the_data_of_every_table_and_chart(
    real_report: Path,
) -> None:
    import pandas as pd

    sheets = pd.read_excel(real_report / "report-data.xlsx", sheet_name=None)
    linked = 0
    for page in sorted(real_report.glob("*/*/*.html")):
        text = page.read_text(encoding="utf-8")
        assert text.count("<table") == text.count("<caption>"), page.name
        links = re.findall(r'href="([^"]+\.csv)"', text)
        tables_and_charts = text.count('class="dataframe atmp-table"') + text.count(
            'class="atmp-chart"'
        )
        assert len(links) == tables_and_charts > 0, page.name
        assert all((page.parent / link).is_file() for link in links), page.name
        linked += len(links)
    assert len(sheets) == linked + 1  # every table and chart, and the sources


@pytest.mark.slow
def test_the_sources_page_gives_every_public_source_an_address_in_both_languages(
    real_report: Path,
) -> None:
    page = (real_report / "sources.html").read_text(encoding="utf-8")
    english, swedish = page.split('<section lang="sv">', 1)
    population = datasets.load("population")
    for agency, url in zip(population["agency_sv"], population["source_url"], strict=True):
        assert agency in swedish and f'href="{html.escape(url)}"' in swedish, agency
    assert "Offentlig befolkningsstatistik för jämförelser per invånare" in swedish
    assert "Public population figures" not in swedish
    assert "Public population figures" in english
    assert "Nyhet, Lunds universitet" in swedish


#: A table cell holding only a range of a setting: "5 to 30%", "10–40", "50 eller 100".
RANGE_CELL = re.compile(
    r"^[\d\u202f,.]+ ?%?(?: | ?– ?)(?:(?:to|till|or|eller) )?[\d\u202f,.]+ ?%?$"
)


def _setting_values(name: str) -> set[float]:
    """The values a scenario setting's table row may show: its default and its range ends."""
    found: set[float] = set()
    assumptions = datasets.load("assumptions").set_index("id")
    if name in assumptions.index:
        row = assumptions.loc[name]
        found |= {float(row[key]) for key in ("value", "low", "high") if row[key] == row[key]}
    if name in scenario_parameters.BY_NAME:
        bounds = scenario_parameters.BY_NAME[name].param.bounds()
        found |= {float(bound) for bound in bounds if bound is not None}
    return found


@pytest.mark.slow
def test_a_setting_s_range_cell_is_registered_to_that_setting(real_report: Path) -> None:
    """Each number of a range cell ("5 to 30%") rests on the setting of its own row, not on
    another setting that happens to write the same number."""
    with (real_report / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if RANGE_CELL.match(row["context"])]
    checked = [row for row in rows if row["basis"].split(":")[0] in ("parameter", "assumption")]
    assert len(checked) >= 40
    wrong = [
        f"{row['lang']} {row['context']!r}: {row['number']} -> {row['basis']}"
        for row in checked
        if float(row["value"]) not in _setting_values(row["basis"].split(":")[1])
    ]
    assert wrong == []
