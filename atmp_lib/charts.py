"""Plotly output for notebooks that render both in JupyterLab and in the offline HTML report.

Plotly's default renderer inside a kernel emits only the plotly mimetype, which nbconvert
drops from HTML; its ``notebook`` renderer adds HTML with random div ids and fetches or
embeds plotly.js per notebook. The ``atmp`` renderer registered here emits both the
mimetype (for JupyterLab) and a small HTML snippet with a *deterministic* div id that
calls ``Plotly.newPlot``; the report template embeds plotly.js once per page.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

from atmp_lib.seams import mimetype_renderer_base

RENDERER_NAME = "atmp"
FIGURE_CSS_CLASS = "atmp-figure"
DEFAULT_HEIGHT = 450


class ReportRenderer(mimetype_renderer_base()):
    """Emit the plotly mimetype plus an HTML fallback with a stable div id."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def to_mimebundle(self, fig_dict: dict) -> dict:
        fig_json = pio.to_json(fig_dict, validate=False, remove_uids=True, engine="json")
        digest = hashlib.sha1(fig_json.encode("utf-8")).hexdigest()[:12]
        div_id = f"fig-{next(self._counter)}-{digest}"
        figure = json.loads(fig_json)
        height = figure.get("layout", {}).get("height") or DEFAULT_HEIGHT
        return {
            "application/vnd.plotly.v1+json": figure,
            "text/html": figure_html(fig_json, div_id, height),
        }


def figure_html(fig_json: str, div_id: str, height: int = DEFAULT_HEIGHT) -> str:
    """Return a div and a script drawing the figure with the page's ``window.Plotly``.

    The div takes the figure's own height so that tall charts do not overlap what follows;
    the page may set ``window.atmpPlotConfig`` (toolbar buttons, language) for its charts.
    """
    safe_json = fig_json.replace("</", "<\\/")
    return (
        f'<div id="{div_id}" class="{FIGURE_CSS_CLASS}" '
        f'style="width:100%;height:{height}px;"></div>\n'
        '<script type="text/javascript">\n'
        "(function () {\n"
        f"  var fig = {safe_json};\n"
        "  if (window.Plotly) {\n"
        "    var config = window.atmpPlotConfig ? window.atmpPlotConfig("
        f'"{div_id}") : {{responsive: true, displaylogo: false}};\n'
        f'    window.Plotly.newPlot("{div_id}", fig.data, fig.layout || {{}}, config);\n'
        "  }\n"
        "})();\n"
        "</script>"
    )


def use_report_renderer() -> None:
    """Make the ``atmp`` renderer the default for this kernel (idempotent)."""
    if RENDERER_NAME not in pio.renderers:
        pio.renderers[RENDERER_NAME] = ReportRenderer()
    pio.renderers.default = RENDERER_NAME


def add_source_note(fig: go.Figure, note: str, width: int = 120) -> go.Figure:
    """Write the source note under the plot area, so it travels with the chart."""
    lines = textwrap.wrap(note, width) or [""]
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-70,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 10, "color": "#555555"},
    )
    fig.update_layout(margin={"b": 90 + 14 * len(lines)})
    return fig


#: Plotly's ``separators`` (decimal mark, then thousands separator) per page language.
SEPARATORS = {"en": ".,", "sv": ",\u202f"}


def localize(fig: go.Figure, lang: str) -> go.Figure:
    """Write the chart's numbers (ticks, hover) the way the language writes them."""
    fig.update_layout(separators=SEPARATORS[lang])
    return fig


#: Colours for chart marks: each stands out against the white page by at least 3:1 (WCAG 2.1,
#: 1.4.11) and the first five stay apart for the common colour-vision deficiencies (after
#: Okabe and Ito). Sections name them instead of writing their own colours.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "ochre": "#8C6D00",
    "violet": "#5E3C99",
    "grey": "#666666",
    "dark": "#333333",
}
#: A bar trace marked ``meta=RANGE_META`` draws a stated range from its base (e.g. "50–100"):
#: its data (the chart's data table and CSV) are the range's ends, not a value.
RANGE_META = "range"
#: Fills that sit under marks or text (bands, empty cells): not information on their own.
LIGHT_FILLS = {"band": "#0072B233", "empty": "#F0F0F0"}


def tint(name: str, share: float) -> str:
    """A palette colour mixed with white (``share`` 1: the colour itself, 0: white), as
    #rrggbb: graded fills under text, e.g. heat-map cells that also state their grade."""
    if not 0 <= share <= 1:
        raise ValueError(f"share {share} is not between 0 and 1")
    colour = PALETTE[name]
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - share * (255 - c)):02X}" for c in channels)


def base_layout(fig: go.Figure, title: str) -> go.Figure:
    """Common look: title, white template, readable font, the accessible colour order."""
    fig.update_layout(
        title={"text": title, "x": 0},
        template="plotly_white",
        font={"family": "Arial, sans-serif", "size": 13},
        height=DEFAULT_HEIGHT,
        colorway=list(PALETTE.values()),
    )
    return fig
