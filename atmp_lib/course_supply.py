"""The domestic course-supply section: what Sweden offers for ATMP and what it leaves uncovered.

The inventory comes from ``course_supply.csv``; the coverage matrix links each offering's
course topics to the competence areas in demand (``competences.csv``) through the
assumption table ``topic_competence_map.csv``. Offerings offered now are kept apart from
those in development or under review, so the page can say which gaps the pipeline closes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.datasets import split_list
from atmp_lib.formatting import format_number, source_note
from atmp_lib.i18n import check_lang, localized, t

AUDIENCES = ("all", "students", "healthcare_staff", "industry", "researchers")
KINDS = (
    "degree_programme",
    "course",
    "course_portfolio",
    "introductory_course",
    "e_learning",
    "seminar_series",
    "guest_lecture",
    "needs_study",
)
AUDIENCE_ORDER = ("students", "healthcare_staff", "industry", "researchers", "physicians")
DEPTHS = ("none", "occasional", "partial", "dedicated")
TOPICS = (
    "atmp_introduction",
    "gmp",
    "glp",
    "gcp",
    "quality_requirements",
    "manufacturing_technology",
    "protein_drugs",
    "cell_therapy",
    "gene_cell_therapy_production",
    "genomics",
)
CURRENT_STATUSES = ("offered",)
PIPELINE_STATUSES = ("in_development", "under_review")
NOT_CURRENT_STATUSES = ("in_development", "under_review", "ongoing", "held_once")
DEMAND_FINDINGS = ("most_demanded", "hardest_to_find")
DEMAND_GEOGRAPHY = "Sweden"
THIN_DEPTH = "occasional"

NOT_COVERED, PIPELINE_ONLY, CURRENT = 0, 1, 2
LEVELS = (NOT_COVERED, PIPELINE_ONLY, CURRENT)
LEVEL_COLOURS = {NOT_COVERED: "#eeeeee", PIPELINE_ONLY: "#fdae6b", CURRENT: "#2171b5"}
DEPTH_COLOURS = {
    "none": "#d9d9d9",
    "occasional": "#9ecae1",
    "partial": "#4292c6",
    "dedicated": "#08306b",
}
LIST_SEPARATOR = "; "
EMPTY_CELL = "\u2013"
NOTE_SEPARATOR = " \u00b7 "
COVERAGE_HEIGHT = 760
TABLE_FILE = "course_supply.csv"
COMPETENCE_FILE = "competences.csv"


# --- parameters ------------------------------------------------------------------------


def check_audience(audience: str) -> str:
    """Return ``audience`` if it is a known choice, else raise naming the parameter."""
    if audience not in AUDIENCES:
        raise ValueError(f"parameter 'audience': {audience!r} is not one of {', '.join(AUDIENCES)}")
    return audience


def check_params(lang: str, audience: str) -> None:
    """Validate the section's parameters before anything is loaded or drawn."""
    check_lang(lang)
    check_audience(audience)


def filter_by_audience(supply: pd.DataFrame, audience: str) -> pd.DataFrame:
    """The offerings whose audience list contains ``audience`` ("all": every offering)."""
    check_audience(audience)
    if audience == "all":
        return supply
    keep = supply["audience"].map(lambda cell: audience in split_list(cell)).astype(bool)
    return supply[keep]


# --- labels ----------------------------------------------------------------------------


def audience_label(audience: str, lang: str) -> str:
    """The audience in the language ("all" reads "all audiences")."""
    return t(f"supply_audience_{audience}", lang)


def _list_label(cell: object, prefix: str, lang: str) -> str:
    """A list-valued cell with each item replaced by its label, e.g. "Students, Industry"."""
    items = split_list(cell)
    return ", ".join(t(f"{prefix}{item}", lang) for item in items) if items else EMPTY_CELL


def _rank(values: pd.Series, order: tuple[str, ...]) -> pd.Series:
    """Position of each value in ``order`` (for sorting by the schema's order)."""
    return values.map({value: index for index, value in enumerate(order)}).astype("Int64")


# --- inventory -------------------------------------------------------------------------


def current_offerings(supply: pd.DataFrame) -> pd.DataFrame:
    """The offerings offered now."""
    return supply[supply["status"].isin(CURRENT_STATUSES)]


def not_current_offerings(supply: pd.DataFrame) -> pd.DataFrame:
    """Offerings in development, under review or held once, pipeline first."""
    frame = supply[supply["status"].isin(NOT_CURRENT_STATUSES)]
    return _sorted(frame, status_first=True)


def _sorted(supply: pd.DataFrame, status_first: bool = False) -> pd.DataFrame:
    """Order by (status,) kind, deepest ATMP content first, then id: stable and explicit."""
    keys = supply.assign(
        _status=_rank(supply["status"], CURRENT_STATUSES + NOT_CURRENT_STATUSES),
        _kind=_rank(supply["kind"], KINDS),
        _depth=-_rank(supply["atmp_depth"], DEPTHS),
    )
    by = (["_status"] if status_first else []) + ["_kind", "_depth", "id"]
    ordered = keys.sort_values(by, kind="stable")
    return ordered.drop(columns=["_status", "_kind", "_depth"])


def supply_summary(supply: pd.DataFrame, lang: str) -> dict[str, str]:
    """The counts the intro paragraph quotes, for the offerings of the audience shown."""
    current = current_offerings(supply)
    return {
        "total": format_number(len(supply), lang),
        "current": format_number(len(current), lang),
        "dedicated": format_number(int((current["atmp_depth"] == "dedicated").sum()), lang),
        "not_current": format_number(len(not_current_offerings(supply)), lang),
    }


def inventory_table(supply: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The offerings offered now, with kind, audience, provider, ATMP content and topics."""
    frame = _sorted(current_offerings(supply))
    return pd.DataFrame(
        {
            t("col_name", lang): localized(frame, "name", lang),
            t("col_kind", lang): frame["kind"].map(lambda kind: t(f"supply_kind_{kind}", lang)),
            t("col_audience", lang): frame["audience"].map(
                lambda cell: _list_label(cell, "supply_audience_", lang)
            ),
            t("col_provider", lang): localized(frame, "provider", lang),
            t("supply_col_depth", lang): frame["atmp_depth"].map(
                lambda depth: t(f"supply_depth_{depth}", lang)
            ),
            t("supply_col_topics", lang): frame["topics"].map(
                lambda cell: _list_label(cell, "supply_topic_", lang)
            ),
            t("supply_col_fee", lang): frame["fee"].map(lambda fee: t(f"supply_fee_{fee}", lang)),
        }
    ).reset_index(drop=True)


def pipeline_table(supply: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What is not offered now (in development, under review, held once), with its quote."""
    frame = not_current_offerings(supply)
    return pd.DataFrame(
        {
            t("col_name", lang): localized(frame, "name", lang),
            t("col_status", lang): frame["status"].map(
                lambda status: t(f"supply_status_{status}", lang)
            ),
            t("col_kind", lang): frame["kind"].map(lambda kind: t(f"supply_kind_{kind}", lang)),
            t("col_audience", lang): frame["audience"].map(
                lambda cell: _list_label(cell, "supply_audience_", lang)
            ),
            t("col_provider", lang): localized(frame, "provider", lang),
            t("supply_col_topics", lang): frame["topics"].map(
                lambda cell: _list_label(cell, "supply_topic_", lang)
            ),
            t("col_quote", lang): frame["quote"],
        }
    ).reset_index(drop=True)


def offering_counts(supply: pd.DataFrame, by: str) -> pd.DataFrame:
    """Offerings per ``by`` ("kind" or "audience") and ATMP depth, zeros included.

    By audience, an offering counts once for each audience it names. Rows follow the
    schema's order of categories (only those present) and of depths.
    """
    if by not in ("kind", "audience"):
        raise ValueError(f"offering_counts: by={by!r} is not one of kind, audience")
    pairs = [
        (category, depth)
        for cell, depth in zip(supply[by], supply["atmp_depth"], strict=True)
        for category in (split_list(cell) if by == "audience" else [cell])
    ]
    order = AUDIENCE_ORDER if by == "audience" else KINDS
    present = [category for category in order if any(pair[0] == category for pair in pairs)]
    rows = [
        {by: category, "atmp_depth": depth, "count": pairs.count((category, depth))}
        for category in present
        for depth in DEPTHS
    ]
    return pd.DataFrame(rows, columns=[by, "atmp_depth", "count"])


def depth_chart(supply: pd.DataFrame, by: str, lang: str) -> go.Figure:
    """Stacked bars of the current offerings per kind or audience, coloured by ATMP depth."""
    current = current_offerings(supply)
    counts = offering_counts(current, by)
    prefix = "supply_kind_" if by == "kind" else "supply_audience_"
    fig = go.Figure()
    for depth in DEPTHS:
        group = counts[counts["atmp_depth"] == depth]
        fig.add_trace(
            go.Bar(
                name=t(f"supply_depth_{depth}", lang),
                x=[t(f"{prefix}{category}", lang) for category in group[by]],
                y=group["count"].tolist(),
                marker_color=DEPTH_COLOURS[depth],
            )
        )
    fig.update_layout(barmode="stack", legend_title_text=t("supply_col_depth", lang))
    fig.update_yaxes(title_text=t("supply_axis_offerings", lang), dtick=1)
    title = "supply_chart_kind_title" if by == "kind" else "supply_chart_audience_title"
    base_layout(fig, t(title, lang))
    return add_source_note(fig, _sources_note([(TABLE_FILE, current)], lang))


def _sources_note(tables: list[tuple[str, pd.DataFrame]], lang: str) -> str:
    """Source notes for several tables, skipping tables with no rows shown."""
    notes = [source_note(name, frame, lang) for name, frame in tables if not frame.empty]
    return NOTE_SEPARATOR.join(notes)


def supply_note(supply: pd.DataFrame, lang: str) -> str:
    """The source note for a table of offerings."""
    return _sources_note([(TABLE_FILE, supply)], lang)


# --- coverage --------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Which competence areas in demand the offerings cover, and how.

    ``matrix`` has one row per competence id and one column per offering id, holding
    CURRENT (2) when an offering offered now covers the area, PIPELINE_ONLY (1) when the
    covering offering is in development or under review, NOT_COVERED (0) otherwise.
    """

    matrix: pd.DataFrame
    offerings: pd.DataFrame
    competences: pd.DataFrame
    links: pd.DataFrame

    def levels(self) -> pd.Series:
        """The best coverage of each competence area over all offerings."""
        if self.matrix.columns.empty:
            return pd.Series(NOT_COVERED, index=self.matrix.index, dtype="Int64")
        return self.matrix.max(axis=1).astype("Int64")

    def uncovered(self) -> list[str]:
        """Competence ids that no offering offered now covers, in table order."""
        levels = self.levels()
        return [cid for cid in self.matrix.index if levels[cid] < CURRENT]

    def pipeline_only(self) -> list[str]:
        """Competence ids covered only by offerings in development or under review."""
        levels = self.levels()
        return [cid for cid in self.matrix.index if levels[cid] == PIPELINE_ONLY]

    def thinly_covered(self) -> list[str]:
        """Competence ids covered now only by offerings with at most occasional ATMP content."""
        depth_of = dict(zip(self.offerings["id"], self.offerings["atmp_depth"], strict=True))
        thin = []
        for cid in self.matrix.index:
            depths = [DEPTHS.index(depth_of[oid]) for oid in self.covering(cid, CURRENT)]
            if depths and max(depths) <= DEPTHS.index(THIN_DEPTH):
                thin.append(cid)
        return thin

    def covering(self, competence_id: str, level: int) -> list[str]:
        """Offering ids that cover the competence at exactly this level, in column order."""
        row = self.matrix.loc[competence_id]
        return [oid for oid in self.matrix.columns if row[oid] == level]


def demanded_competences(competences: pd.DataFrame) -> pd.DataFrame:
    """The areas the Swedish survey found most demanded or hardest to find, in table order."""
    keep = competences["finding"].isin(DEMAND_FINDINGS) & (
        competences["geography"] == DEMAND_GEOGRAPHY
    )
    return competences[keep]


def matrix_offerings(supply: pd.DataFrame) -> pd.DataFrame:
    """The offerings shown as matrix columns: offered now first, then the pipeline."""
    frame = supply[supply["status"].isin(CURRENT_STATUSES + PIPELINE_STATUSES)]
    return _sorted(frame, status_first=True)


def topic_links(supply: pd.DataFrame, topic_map: pd.DataFrame) -> pd.DataFrame:
    """(offering_id, topic, competence_id) for every topic of an offering that the map links."""
    rows = [
        (offering_id, topic)
        for offering_id, cell in zip(supply["id"], supply["topics"], strict=True)
        for topic in split_list(cell)
    ]
    topics = pd.DataFrame(rows, columns=["offering_id", "topic"], dtype="str")
    links = topics.merge(topic_map[["topic", "competence_id"]], on="topic", how="inner")
    return links.sort_values(["offering_id", "topic", "competence_id"], kind="stable").reset_index(
        drop=True
    )


def coverage(supply: pd.DataFrame, competences: pd.DataFrame, topic_map: pd.DataFrame) -> Coverage:
    """The coverage matrix of the competence areas in demand by the (filtered) offerings."""
    demanded = demanded_competences(competences)
    offerings = matrix_offerings(supply)
    links = topic_links(offerings, topic_map)
    links = links[links["competence_id"].isin(demanded["id"])].reset_index(drop=True)
    level_of = {
        oid: CURRENT if status in CURRENT_STATUSES else PIPELINE_ONLY
        for oid, status in zip(offerings["id"], offerings["status"], strict=True)
    }
    matrix = pd.DataFrame(
        NOT_COVERED, index=list(demanded["id"]), columns=list(offerings["id"]), dtype="Int64"
    )
    for offering_id, competence_id in zip(
        links["offering_id"], links["competence_id"], strict=True
    ):
        matrix.loc[competence_id, offering_id] = level_of[offering_id]
    return Coverage(matrix=matrix, offerings=offerings, competences=demanded, links=links)


def _names(frame: pd.DataFrame, ids: list[str], lang: str) -> list[str]:
    """The localized names of the rows with these ids, in the order of ``ids``."""
    names = dict(zip(frame["id"], localized(frame, "name", lang), strict=True))
    return [names[row_id] for row_id in ids]


def _wrap(text: str, width: int = 24) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def _hover_text(cov: Coverage, lang: str) -> list[list[str]]:
    """One hover line per cell: offering, competence, coverage level and linking topics."""
    offering_names = _names(cov.offerings, list(cov.matrix.columns), lang)
    competence_names = _names(cov.competences, list(cov.matrix.index), lang)
    rows = []
    for competence_id, competence in zip(cov.matrix.index, competence_names, strict=True):
        row = []
        for offering_id, offering in zip(cov.matrix.columns, offering_names, strict=True):
            match = cov.links[
                (cov.links["offering_id"] == offering_id)
                & (cov.links["competence_id"] == competence_id)
            ]
            topics = ", ".join(t(f"supply_topic_{topic}", lang) for topic in match["topic"])
            level = int(cov.matrix.loc[competence_id, offering_id])
            row.append(
                t(
                    "supply_hover",
                    lang,
                    offering=offering,
                    competence=competence,
                    level=t(f"supply_level_{level}", lang),
                    topics=topics or EMPTY_CELL,
                )
            )
        rows.append(row)
    return rows


def _discrete_colourscale() -> list[list[object]]:
    """Three flat colour bands for the values 0, 1, 2 on a 0-2 scale."""
    scale = []
    for index, level in enumerate(LEVELS):
        scale += [[index / 3, LEVEL_COLOURS[level]], [(index + 1) / 3, LEVEL_COLOURS[level]]]
    return scale


def coverage_chart(cov: Coverage, lang: str) -> go.Figure:
    """Heatmap: competence areas in demand (rows) against the offerings (columns)."""
    fig = go.Figure(
        go.Heatmap(
            z=cov.matrix.astype(int).values.tolist(),
            x=[_wrap(name, 42) for name in _names(cov.offerings, list(cov.matrix.columns), lang)],
            y=_names(cov.competences, list(cov.matrix.index), lang),
            zmin=NOT_COVERED,
            zmax=CURRENT,
            colorscale=_discrete_colourscale(),
            xgap=2,
            ygap=2,
            text=_hover_text(cov, lang),
            hoverinfo="text",
            colorbar={
                "tickvals": [level * 2 / 3 + 1 / 3 for level in LEVELS],
                "ticktext": [_wrap(t(f"supply_level_{level}", lang), 20) for level in LEVELS],
                "title": {"text": t("supply_col_coverage", lang)},
            },
        )
    )
    base_layout(fig, t("supply_coverage_chart_title", lang))
    fig.update_xaxes(side="top", tickangle=-90, tickfont={"size": 10})
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        height=COVERAGE_HEIGHT, margin={"t": 300}, title={"y": 0.98, "yanchor": "top"}
    )
    return add_source_note(fig, coverage_note(cov, lang))


def coverage_note(cov: Coverage, lang: str) -> str:
    """Sources of the coverage matrix: the offerings, the competences and the assumption."""
    tables = [(TABLE_FILE, cov.offerings), (COMPETENCE_FILE, cov.competences)]
    return NOTE_SEPARATOR.join([_sources_note(tables, lang), t("supply_assumption_source", lang)])


def coverage_table(cov: Coverage, lang: str) -> pd.DataFrame:
    """Per competence area: coverage level, covering offerings and their deepest ATMP content."""
    levels = cov.levels()
    depth_of = dict(zip(cov.offerings["id"], cov.offerings["atmp_depth"], strict=True))
    rows = []
    for competence_id, name, finding in zip(
        cov.competences["id"],
        localized(cov.competences, "name", lang),
        cov.competences["finding"],
        strict=True,
    ):
        current = cov.covering(competence_id, CURRENT)
        pipeline = cov.covering(competence_id, PIPELINE_ONLY)
        deepest = max((DEPTHS.index(depth_of[oid]) for oid in current), default=None)
        rows.append(
            {
                t("supply_col_competence", lang): name,
                t("supply_col_finding", lang): t(f"supply_finding_{finding}", lang),
                t("supply_col_coverage", lang): t(f"supply_level_{levels[competence_id]}", lang),
                t("supply_col_covered_now", lang): _joined(cov.offerings, current, lang),
                t("supply_col_covered_pipeline", lang): _joined(cov.offerings, pipeline, lang),
                t("supply_col_deepest", lang): (
                    EMPTY_CELL if deepest is None else t(f"supply_depth_{DEPTHS[deepest]}", lang)
                ),
            }
        )
    return pd.DataFrame(rows)


def _joined(frame: pd.DataFrame, ids: list[str], lang: str) -> str:
    return LIST_SEPARATOR.join(_names(frame, ids, lang)) or EMPTY_CELL


def coverage_text(cov: Coverage, lang: str) -> str:
    """Markdown naming the uncovered areas, computed from the matrix (never typed in)."""
    uncovered = cov.uncovered()
    if uncovered:
        text = t("supply_uncovered_text", lang, items=_competence_list(cov, uncovered, lang))
        pipeline = cov.pipeline_only()
        if pipeline:
            items = _competence_list(cov, pipeline, lang)
            text += " " + t("supply_pipeline_only_text", lang, items=items)
    else:
        text = t("supply_all_covered_text", lang)
    thin = cov.thinly_covered()
    if thin:
        text += "\n\n" + t("supply_thin_text", lang, items=_competence_list(cov, thin, lang))
    return text


def _competence_list(cov: Coverage, ids: list[str], lang: str) -> str:
    return LIST_SEPARATOR.join(_names(cov.competences, ids, lang))


def caveat_notes(supply: pd.DataFrame, lang: str) -> list[str]:
    """Notes on offerings the matrix cannot credit: no topics stated, or held only once."""
    notes = []
    shown = matrix_offerings(supply)
    no_topics = shown[shown["topics"].isna()]
    if not no_topics.empty:
        items = LIST_SEPARATOR.join(localized(no_topics, "name", lang))
        notes.append(t("supply_no_topics_note", lang, items=items))
    held_once = supply[supply["status"] == "held_once"]
    if not held_once.empty:
        items = LIST_SEPARATOR.join(localized(held_once, "name", lang))
        notes.append(t("supply_held_once_note", lang, items=items))
    return notes


# --- the mapping assumption ------------------------------------------------------------


def unmapped_topics(topic_map: pd.DataFrame) -> list[str]:
    """Course topics that the assumption table links to no competence area."""
    return [topic for topic in TOPICS if topic not in set(topic_map["topic"])]


def mapping_summary(topic_map: pd.DataFrame, lang: str) -> dict[str, str]:
    """The values the mapping paragraph quotes."""
    names = [t(f"supply_topic_{topic}", lang) for topic in unmapped_topics(topic_map)]
    return {"unmapped": LIST_SEPARATOR.join(names) or EMPTY_CELL}


def mapping_table(topic_map: pd.DataFrame, competences: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every topic → competence link of the assumption table, with its rationale."""
    names = dict(zip(competences["id"], localized(competences, "name", lang), strict=True))
    competence_order = {cid: index for index, cid in enumerate(competences["id"])}
    frame = topic_map.assign(
        _topic=_rank(topic_map["topic"], TOPICS),
        _competence=topic_map["competence_id"].map(competence_order).astype("Int64"),
    ).sort_values(["_topic", "_competence"], kind="stable")
    table = pd.DataFrame(
        {
            t("supply_col_topic", lang): frame["topic"].map(
                lambda topic: t(f"supply_topic_{topic}", lang)
            ),
            t("supply_col_competence", lang): frame["competence_id"].map(names),
        }
    )
    table[t("supply_col_rationale", lang)] = localized(frame, "rationale", lang)
    return table.reset_index(drop=True)


def mapping_note(competences: pd.DataFrame, lang: str) -> str:
    """Source note of the mapping table: the assumption file and where the names come from."""
    demanded = demanded_competences(competences)
    return NOTE_SEPARATOR.join(
        [t("supply_assumption_source", lang), _sources_note([(COMPETENCE_FILE, demanded)], lang)]
    )
