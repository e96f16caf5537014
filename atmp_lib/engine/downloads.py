"""The data behind every table and chart of a page, for readers to download and reuse.

Before a page is converted, :func:`annotate` goes through its outputs: each table
(:func:`atmp_lib.page.table` puts its cells in the output's metadata) gets a caption and a
link to its CSV; each chart gets a text alternative (what it shows, in a sentence), a link to
its data as CSV and that data as a table one click away (``<details>``). The CSV files are
kept with the page; :func:`write_workbook` gathers every table of a run into one .xlsx
workbook (a sheet per table or chart, and a sheet naming the sources), and
:func:`copy_data_package` puts a copy of the data package in the run folder.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from atmp_lib.charts import RANGE_META
from atmp_lib.figure_views import count_text
from atmp_lib.i18n import t

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
SHEET_NAME_LIMIT = 31  # Excel's limit
DETAILS_ROWS = 200  # rows of chart data shown on the page (the CSV has them all)


@dataclass(frozen=True)
class DataFile:
    """One table's or chart's data: its file name, a title for it, header and rows."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


def annotate(nb: Any, lang: str | None, folder: str, skip_tag: str) -> list[DataFile]:
    """Give the page's tables captions and CSV links, and its charts text alternatives, CSV
    links and data tables; returns the data files, to be written into ``folder``."""
    lang = lang if lang in ("en", "sv") else "en"
    files: list[DataFile] = []
    heading = ""
    for cell in nb.cells:
        if skip_tag in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            heading = _last_heading(data, heading)
            table = output.get("metadata", {}).get("atmp", {}).get("table")
            if table and "text/html" in data:
                files.append(_table_file(table, heading, len(files), lang))
                data["text/html"] = _annotated_table(data["text/html"], files[-1], folder, lang)
            elif PLOTLY_MIMETYPE in data and "text/html" in data:
                figure = data[PLOTLY_MIMETYPE]
                files.append(_chart_file(figure, heading, len(files), lang))
                data["text/html"] = _annotated_chart(
                    data["text/html"], figure, files[-1], folder, lang
                )
    return files


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def _last_heading(data: dict, current: str) -> str:
    """The text of the last Markdown heading in an output, else ``current``."""
    markdown = _joined(data.get("text/markdown", ""))
    headings = re.findall(r"^#{1,4}\s+(.+?)\s*#*\s*$", markdown, flags=re.MULTILINE)
    return re.sub(r"[*_`]", "", headings[-1]) if headings else current


# --------------------------------------------------------------------------- tables


def _table_file(table: dict, heading: str, number: int, lang: str) -> DataFile:
    title = heading or t("report_table", lang)
    return DataFile(f"{number + 1:02d}-table.csv", title, table["columns"], table["rows"])


def _annotated_table(markup: str | list[str], file: DataFile, folder: str, lang: str) -> str:
    """The table with a caption, and a link to its CSV after it."""
    text = _joined(markup)
    caption = f"<caption>{html.escape(file.title)}</caption>"
    text = re.sub(r"(<table\b[^>]*>)", lambda m: m.group(1) + caption, text, count=1)
    return text + _link_html(folder, file, lang)


def _link_html(folder: str, file: DataFile, lang: str) -> str:
    href = html.escape(f"{folder}/{file.name}")
    label = html.escape(t("report_data_csv", lang))
    return (
        f'<p class="atmp-data-link"><a href="{href}" download>{label}</a>'
        f' <span class="atmp-data-name">({html.escape(file.title)})</span></p>'
    )


# --------------------------------------------------------------------------- charts


def _chart_file(figure: dict, heading: str, number: int, lang: str) -> DataFile:
    title = chart_title(figure) or heading or t("report_chart", lang)
    header, rows = chart_data(figure, lang)
    return DataFile(f"{number + 1:02d}-chart.csv", title, header, rows)


def chart_title(figure: dict) -> str:
    """The chart's title text, without markup."""
    title = figure.get("layout", {}).get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else str(title or "")
    return re.sub(r"<[^>]+>", " ", text).strip()


def chart_data(figure: dict, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Every data trace's points as rows: series, category, value, the ends of its error
    bar (an assumed band) and the label the chart gives the point (e.g. "50–100" for a
    stacked range); a heat map's cells as series, column, row, value. The columns are
    named by the chart's axis titles where it has them."""
    series = t("report_col_series", lang)
    traces = data_traces(figure)
    rows: list[list[Any]] = []
    if any("z" in trace for trace in traces):
        grid = ("report_col_column", "report_col_row")
        header = [series, *_axis_names(figure, "xy", lang, grid), _colour_name(figure, lang)]
        if any(_cell_labels(trace) for trace in traces):
            header.append(t("report_col_label", lang))
        for index, trace in enumerate(traces):
            rows += _heatmap_rows(_plain(trace.get("name")) or f"{index + 1}", trace)
        return header, rows
    horizontal = bool(traces) and traces[0].get("orientation") == "h"
    header = [series, *_axis_names(figure, "yx" if horizontal else "xy", lang),
              t("report_col_low", lang), t("report_col_high", lang),
              t("report_col_label", lang)]  # fmt: skip
    for index, trace in enumerate(traces):
        name = _plain(trace.get("name")) or f"{index + 1}"
        if trace.get("fill") == "toself":
            rows += _band_rows(name, trace)
        elif trace.get("meta") == RANGE_META:
            rows += _range_rows(name, trace)
        else:
            rows += _point_rows(name, trace)
    return header, rows


def _range_rows(name: str, trace: dict) -> list[list[Any]]:
    """A range bar: one row per category with its low end (the base) and high end."""
    rows = _point_rows(name, trace)
    bases = _values(trace.get("base"))
    return [[name, x, None, bases[min(i, len(bases) - 1)] if bases else None, end, label]
            for i, (name, x, end, _low, _high, label) in enumerate(rows)]  # fmt: skip


def _band_rows(name: str, trace: dict) -> list[list[Any]]:
    """A shaded band drawn as a closed outline (the upper edge forwards, the lower edge
    back): one row per category, with its low and high end."""
    ends: dict[Any, list[float]] = {}
    for x, y in zip(_values(trace.get("x")), _values(trace.get("y")), strict=False):
        if isinstance(y, int | float) and not isinstance(y, bool):
            ends.setdefault(_plain(x), []).append(y)
    return [[name, x, None, min(ys), max(ys), None] for x, ys in ends.items()]


def _axis_names(
    figure: dict,
    order: str,
    lang: str,
    fallback_ids: tuple[str, str] = ("report_col_category", "report_col_value"),
) -> list[str]:
    """The titles of the axes in ``order`` ("xy" or "yx"), else the fallback labels."""
    fallbacks = [t(label_id, lang) for label_id in fallback_ids]
    names = [_title_text(figure.get("layout", {}).get(f"{axis}axis", {})) for axis in order]
    return [name or fallback for name, fallback in zip(names, fallbacks, strict=True)]


def _colour_name(figure: dict, lang: str) -> str:
    """A heat map's value column: its colour bar's title, else "Value"."""
    for trace in data_traces(figure):
        title = _title_text(trace.get("colorbar", {}))
        if title:
            return title
    colour_axis = figure.get("layout", {}).get("coloraxis", {})
    return _title_text(colour_axis.get("colorbar", {})) or t("report_col_value", lang)


def _title_text(owner: Any) -> str:
    """The text of an axis's or colour bar's title, without markup ("" when none)."""
    title = owner.get("title", {}) if isinstance(owner, dict) else {}
    text = title.get("text", "") if isinstance(title, dict) else title
    return str(_plain(text or ""))


def _point_rows(name: str, trace: dict) -> list[list[Any]]:
    xs, ys = _values(trace.get("x")), _values(trace.get("y"))
    if trace.get("orientation") == "h":
        xs, ys = ys, xs
    bases = _values(trace.get("base")) if "base" in trace else []
    if bases:  # a bar drawn from a base: its data is where it ends
        ys = [_add(y, bases[min(i, len(bases) - 1)]) for i, y in enumerate(ys)]
    error = trace.get("error_y") or trace.get("error_x") or {}
    plus = _values(error.get("array"))
    minus = _values(error.get("arrayminus")) or plus
    labels = _values(trace.get("hovertext") or trace.get("text"))
    rows = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=False)):
        low = _add(y, -minus[i]) if i < len(minus) and minus[i] is not None else None
        high = _add(y, plus[i]) if i < len(plus) and plus[i] is not None else None
        label = _plain(labels[i]) if i < len(labels) else None
        rows.append([name, _plain(x), y, low, high, label])
    return rows


def data_traces(figure: dict) -> list[dict]:
    """The traces that carry data: not those that only place text labels on the chart."""
    return [trace for trace in figure.get("data", []) if trace.get("mode") != "text"]


def _add(value: Any, base: Any) -> Any:
    try:
        return float(value) + float(base)
    except (TypeError, ValueError):
        return value


def _cell_labels(trace: dict) -> list[list[Any]]:
    """The text a heat map writes in its cells (its grade in words), if it writes any."""
    if not trace.get("texttemplate"):
        return []
    return [_values(row) for row in _values(trace.get("text"))]


def _heatmap_rows(name: str, trace: dict) -> list[list[Any]]:
    """One row per cell: series, x, y, z, and the cell's own text when it writes one (a
    coded z, such as a status rank, then comes with its meaning)."""
    z = _values(trace.get("z"))
    xs, ys = _values(trace.get("x")), _values(trace.get("y"))
    labels = _cell_labels(trace)
    rows = []
    for i, row in enumerate(z):
        for j, value in enumerate(_values(row)):
            cells = [name, _plain(xs[j]) if j < len(xs) else j, _plain(ys[i]) if i < len(ys) else i]
            rows.append([*cells, value])
            if labels:
                rows[-1].append(_plain(labels[i][j]) if i < len(labels) else None)
    return rows


def _values(raw: Any) -> list[Any]:
    """A trace's array as a list, decoding plotly's base64 typed arrays."""
    if raw is None:
        return []
    if isinstance(raw, dict) and "bdata" in raw:
        array = np.frombuffer(base64.b64decode(raw["bdata"]), dtype=np.dtype(raw["dtype"]))
        shape = raw.get("shape")
        if shape:
            dims = [int(size) for size in str(shape).split(",")]
            return array.reshape(dims).tolist()
        return array.tolist()
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def _plain(value: Any) -> Any:
    """Category labels without the line breaks and markup charts use to wrap them."""
    if isinstance(value, str):
        return re.sub(r"\s+", " ", re.sub(r"<br\s*/?>|<[^>]+>", " ", value)).strip()
    return value


def describe(figure: dict, lang: str) -> str:
    """What a chart shows, in one sentence: its kind, title, series and categories."""
    traces = data_traces(figure)
    kinds = {trace.get("type", "scatter") for trace in traces}
    kind = t(f"report_chart_kind_{next(iter(kinds))}" if len(kinds) == 1 else
             "report_chart_kind_mixed", lang) if kinds else t("report_chart", lang)  # fmt: skip
    series = list(dict.fromkeys(str(_plain(tr.get("name"))) for tr in traces if tr.get("name")))
    if kinds == {"heatmap"}:
        grid = _describe_grid(figure, traces, series, kind, lang)
        if grid:
            return grid
    categories = _categories(traces)
    count, shown = len(series) or len(traces), categories[:6]
    return t(
        "report_chart_description", lang, kind=kind, title=chart_title(figure) or "",
        series=t("report_series_one" if count == 1 else "report_series_many", lang,
                 n=count_text(count, lang)),
        names=f" ({'; '.join(series)})" if series else "",
        categories=t("report_categories_one" if len(categories) == 1 else
                     "report_categories_many", lang, n=count_text(len(categories), lang)),
        first="; ".join(t("report_quoted", lang, text=category) for category in shown)
        + (" …" if len(categories) > len(shown) else ""),
    ).strip()  # fmt: skip


def _describe_grid(
    figure: dict, traces: list[dict], series: list[str], kind: str, lang: str
) -> str:
    """A heat map as a grid: how many rows by how many columns, named, and what a cell
    shows; "" when it is not at least two by two."""
    rows = list(dict.fromkeys(_plain(v) for tr in traces for v in _values(tr.get("y"))))
    columns = list(dict.fromkeys(_plain(v) for tr in traces for v in _values(tr.get("x"))))
    if len(rows) < 2 or len(columns) < 2:
        return ""
    return t(
        "report_grid_description", lang, kind=kind, title=chart_title(figure) or "",
        rows=count_text(len(rows), lang), row_names=_quoted_list(rows, lang),
        columns=count_text(len(columns), lang), column_names=_quoted_list(columns, lang),
        cell="; ".join(_lower_first(name) for name in series) or t("report_grid_value", lang),
    ).strip()  # fmt: skip


def _lower_first(name: str) -> str:
    """ "Status" as running text writes it ("status"); "ATMP focus" stays as it is."""
    return name[0].lower() + name[1:] if name[:2].istitle() else name


def _quoted_list(names: list[Any], lang: str, most: int = 6) -> str:
    shown = "; ".join(t("report_quoted", lang, text=name) for name in names[:most])
    return shown + (" …" if len(names) > most else "")


def _categories(traces: list[dict]) -> list[Any]:
    seen: dict[Any, None] = {}
    for trace in traces:
        axis = "y" if trace.get("orientation") == "h" or "z" in trace else "x"
        for value in _values(trace.get(axis)):
            seen.setdefault(_plain(value), None)
    return list(seen)


def _annotated_chart(
    markup: str | list[str], figure: dict, file: DataFile, folder: str, lang: str
) -> str:
    """The chart in a figure element whose caption is its text alternative, with a CSV link
    and the data as a table (the chart's own toolbar stays the only control inside it)."""
    text = _joined(markup)
    match = re.search(r'<div id="([^"]+)"', text)
    chart_id = match.group(1) if match else f"chart-{file.name}"
    description = html.escape(describe(figure, lang))
    return (
        f'<figure class="atmp-chart" aria-describedby="{chart_id}-caption">{text}'
        f'<figcaption id="{chart_id}-caption"><p class="atmp-chart-description">{description}</p>'
        f"{_link_html(folder, file, lang)}{_details_html(file, lang)}</figcaption></figure>"
    )


def _details_html(file: DataFile, lang: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(name))}</th>' for name in file.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(value))}</td>" for value in row) + "</tr>"
        for row in file.rows[:DETAILS_ROWS]
    )
    summary = html.escape(t("report_data_table", lang))
    caption = f"<caption>{html.escape(file.title)}</caption>"
    return (
        f'<details class="atmp-chart-data"><summary>{summary}</summary>'
        f'<table class="atmp-table">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></details>"
    )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- run folder


def write_files(folder: Path, files: list[DataFile]) -> None:
    """Write the data files of one page into its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        (folder / file.name).write_text(file.csv_text(), encoding="utf-8")


def read_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def write_workbook(path: Path, sheets: list[tuple[str, Path]], sources: list[list[str]]) -> None:
    """One .xlsx workbook: a sheet per data file (named after its page and number) and a
    sheet of the sources; written through a temporary file."""
    import pandas as pd

    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with pd.ExcelWriter(temporary, engine="openpyxl") as writer:
            used: set[str] = set()
            for name, csv_path in sheets:
                sheet = _sheet_name(name, used)
                pd.read_csv(csv_path, dtype=str, keep_default_na=False).to_excel(
                    writer, sheet_name=sheet, index=False
                )
            frame = pd.DataFrame(sources[1:], columns=sources[0])
            frame.to_excel(writer, sheet_name=_sheet_name("sources", used), index=False)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:SHEET_NAME_LIMIT]
    candidate, number = base, 2
    while candidate in used:
        suffix = f"~{number}"
        candidate, number = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, number + 1
    used.add(candidate)
    return candidate


def copy_data_package(data_dir: Path, target: Path) -> None:
    """A copy of the data package (descriptor, tables, reference data, source texts)."""
    shutil.copytree(data_dir, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
