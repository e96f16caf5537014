"""The domestic course-supply section: what Sweden teaches about ATMP, and how deeply.

The report finds no degree programme or tailored course aimed at ATMP at the universities;
``course_supply.csv`` therefore keeps three categories apart: the relevant degree
programmes (and the teaching within them that the report names as exceptions), the
education and knowledge-raising offerings outside the programmes, and a related initiative
that is not education. ``course_teaching.csv`` records, topic by topic and in the report's
words, what each programme or offering teaches and how deeply; the assumption table
``topic_competence_map.csv`` links topics to the competence areas in demand, each link
with a strength. A cell of the coverage matrix is graded by depth (courses aimed at ATMP,
courses not aimed at ATMP, occasional elements, nothing named), never by a bare link.

Calculations (upper part) take and return frames and dataclasses with stable ids and no
language; the views (lower part) label, format, record the numbers they state and draw.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.datasets import split_list
from atmp_lib.formatting import source_note
from atmp_lib.i18n import check_lang, localized, t

AUDIENCES = ("all", "students", "healthcare_staff", "industry", "researchers")
AUDIENCE_NOT_STATED = "not_stated"
CATEGORIES = ("programme", "offering", "related_initiative")
KINDS = (
    "degree_programme",
    "guest_lecture",
    "course",
    "course_portfolio",
    "introductory_course",
    "e_learning",
    "seminar_series",
    "needs_study",
)
DEPTHS = ("none", "occasional", "partial", "dedicated")
STATUSES = ("offered", "in_development", "held_once", "ongoing")
MATRIX_STATUSES = ("offered", "in_development")
TEACHING_DEPTHS = ("dedicated", "occasional", "none")
FOCUSES = ("atmp", "related", "general")
TOPICS = (
    "atmp_overview",
    "gmp",
    "glp",
    "gcp",
    "quality_requirements",
    "manufacturing_technology",
    "gene_cell_therapy_production",
    "atmp_gmp_manufacture",
    "cell_therapy_operations",
)
STRENGTHS = ("direct", "part", "adjacent")
COUNTED_STRENGTHS = ("direct", "part")
DEMAND_FINDINGS = ("most_demanded", "hardest_to_find")
DEMAND_GEOGRAPHY = "Sweden"

#: Coverage grades, weakest first: nothing named, occasional elements, courses not aimed at
#: ATMP, courses aimed at ATMP.
NOTHING, OCCASIONAL, DEDICATED_OTHER, DEDICATED_ATMP = 0, 1, 2, 3
GRADES = (NOTHING, OCCASIONAL, DEDICATED_OTHER, DEDICATED_ATMP)
GRADE_IDS = {
    NOTHING: "nothing",
    OCCASIONAL: "occasional",
    DEDICATED_OTHER: "dedicated_other",
    DEDICATED_ATMP: "dedicated_atmp",
}
GRADE_COLOURS = {
    NOTHING: "#eeeeee",
    OCCASIONAL: "#c6dbef",
    DEDICATED_OTHER: "#6baed6",
    DEDICATED_ATMP: "#08306b",
}
#: Proper names that contain a number; the page records them as such (claims basis "name:").
NAMES_WITH_NUMBERS = ("ATMP 2030",)

LIST_SEPARATOR = "; "
EMPTY_CELL = "\u2013"
NOTE_SEPARATOR = " \u00b7 "
COVERAGE_HEIGHT = 820
SUPPLY_FILE = "course_supply.csv"
TEACHING_FILE = "course_teaching.csv"
COMPETENCE_FILE = "competences.csv"


# === calculations (no language) ==========================================================

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


def names_audience(cell: object, audience: str) -> bool:
    """True when an audience cell names ``audience``."""
    return audience in split_list(cell)


def filter_by_audience(supply: pd.DataFrame, audience: str) -> pd.DataFrame:
    """The rows whose audience list names ``audience`` ("all": every row).

    Rows whose audience the report does not state are kept only for "all"; the page names
    them (see ``audience_not_stated``) so that a filtered page does not hide them silently.
    """
    check_audience(audience)
    if audience == "all":
        return supply
    keep = supply["audience"].map(lambda cell: names_audience(cell, audience)).astype(bool)
    return supply[keep]


def audience_not_stated(supply: pd.DataFrame) -> pd.DataFrame:
    """Programmes and offerings whose audience the report does not state."""
    keep = supply["audience"].map(lambda cell: names_audience(cell, AUDIENCE_NOT_STATED))
    return _ordered(supply[keep.astype(bool) & (supply["category"] != "related_initiative")])


# --- the inventory -----------------------------------------------------------------------


def _rank(values: pd.Series, order: tuple[str, ...]) -> pd.Series:
    """Position of each value in ``order`` (for sorting by the schema's order)."""
    return values.map({value: index for index, value in enumerate(order)}).astype("Int64")


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Order by category and status, then as the table lists the rows (an editorial order:
    a group of programmes before its exceptions)."""
    keys = frame.assign(
        _category=_rank(frame["category"], CATEGORIES),
        _status=_rank(frame["status"], STATUSES),
    )
    return keys.sort_values(["_category", "_status"], kind="stable").drop(
        columns=["_category", "_status"]
    )


def of_category(supply: pd.DataFrame, category: str) -> pd.DataFrame:
    """The rows of one category, ordered."""
    if category not in CATEGORIES:
        raise ValueError(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
    return _ordered(supply[supply["category"] == category])


@dataclass(frozen=True)
class Count:
    """A number of rows and the condition that selected them (for the claims register)."""

    value: int
    condition: str


def supply_counts(supply: pd.DataFrame, audience: str) -> dict[str, Count]:
    """The counts the introduction states, for the rows of the audience shown.

    Offerings are the efforts outside the degree programmes; "aimed" counts the offerings
    available now that are aimed at ATMP.
    """
    offerings = supply[supply["category"] == "offering"]
    scope = "category=offering" + ("" if audience == "all" else f"&audience∋{audience}")

    def count(frame: pd.DataFrame, condition: str) -> Count:
        return Count(len(frame), f"{scope}{condition}")

    offered = offerings[offerings["status"] == "offered"]
    return {
        "offerings": count(offerings, ""),
        "offered": count(offered, "&status=offered"),
        "aimed": count(
            offered[offered["atmp_depth"] == "dedicated"], "&status=offered&atmp_depth=dedicated"
        ),
        "in_development": count(
            offerings[offerings["status"] == "in_development"], "&status=in_development"
        ),
        "held_once": count(offerings[offerings["status"] == "held_once"], "&status=held_once"),
    }


# --- coverage ------------------------------------------------------------------------------


def grade_of(depth: str, focus: str) -> int:
    """The coverage grade of one piece of teaching: its depth, and whether aimed at ATMP."""
    if depth == "none":
        return NOTHING
    if depth == "occasional":
        return OCCASIONAL
    return DEDICATED_ATMP if focus == "atmp" else DEDICATED_OTHER


def demanded_competences(competences: pd.DataFrame) -> pd.DataFrame:
    """The areas the Swedish survey found most demanded or hardest to find, in table order."""
    keep = competences["finding"].isin(DEMAND_FINDINGS) & (
        competences["geography"] == DEMAND_GEOGRAPHY
    )
    return competences[keep]


def matrix_offerings(supply: pd.DataFrame, teaching: pd.DataFrame) -> pd.DataFrame:
    """The matrix columns: what is taught now or being developed, offered first.

    An offering is a column even when the report names no topic for it (its column stays
    empty); a degree-programme row is a column only when the report says what it teaches.
    """
    taught = set(teaching["offering_id"])
    keep = supply["status"].isin(MATRIX_STATUSES) & (
        (supply["category"] == "offering") | supply["id"].isin(taught)
    )
    frame = supply[keep]
    keys = frame.assign(
        _status=_rank(frame["status"], STATUSES), _category=_rank(frame["category"], CATEGORIES)
    )
    ordered = keys.sort_values(["_status", "_category"], kind="stable")
    return ordered.drop(columns=["_status", "_category"])


def teaching_links(
    teaching: pd.DataFrame, topic_map: pd.DataFrame, competence_ids: list[str]
) -> pd.DataFrame:
    """Each piece of teaching joined to the competence areas its topic is linked to.

    Columns: teaching_id, offering_id, topic, depth, focus, competence_id, strength,
    counted (the link is direct or part) and grade (NOTHING when the link is not counted).
    """
    links = teaching.rename(columns={"id": "teaching_id"}).merge(
        topic_map[["topic", "competence_id", "strength"]], on="topic", how="inner"
    )
    links = links[links["competence_id"].isin(competence_ids)]
    counted = links["strength"].isin(COUNTED_STRENGTHS)
    grades = [
        grade_of(depth, focus) if ok else NOTHING
        for depth, focus, ok in zip(links["depth"], links["focus"], counted, strict=True)
    ]
    links = links.assign(counted=counted.astype(bool), grade=grades)
    columns = ["teaching_id", "offering_id", "topic", "depth", "focus", "competence_id"]
    columns += ["strength", "counted", "grade", "source", "locator", "quote"]
    ordered = links.sort_values(["offering_id", "competence_id", "teaching_id"], kind="stable")
    return ordered[columns].reset_index(drop=True)


@dataclass(frozen=True)
class Coverage:
    """How deeply the offerings teach each competence area in demand.

    ``matrix`` has one row per competence id and one column per offering id, holding the
    best grade (NOTHING … DEDICATED_ATMP) of that offering's teaching of that area.
    """

    matrix: pd.DataFrame
    offerings: pd.DataFrame
    competences: pd.DataFrame
    links: pd.DataFrame

    def _best(self, competence_id: str, statuses: tuple[str, ...]) -> int:
        ids = self.offerings.loc[self.offerings["status"].isin(statuses), "id"]
        row = self.matrix.loc[competence_id, list(ids)]
        return int(row.max()) if len(row) else NOTHING

    def best_now(self, competence_id: str) -> int:
        """The deepest teaching of the area among the offerings available now."""
        return self._best(competence_id, ("offered",))

    def best_in_development(self, competence_id: str) -> int:
        """The deepest teaching of the area among the offerings being developed."""
        return self._best(competence_id, ("in_development",))

    def with_best_now(self, grade: int) -> list[str]:
        """Competence ids whose deepest teaching now has exactly this grade, in table order."""
        return [cid for cid in self.matrix.index if self.best_now(cid) == grade]

    def deepened_by_development(self) -> list[str]:
        """Competence ids that an offering in development would teach more deeply than now."""
        return [
            cid for cid in self.matrix.index if self.best_in_development(cid) > self.best_now(cid)
        ]

    def teaching(self, competence_id: str, offering_id: str) -> pd.DataFrame:
        """The links behind one cell (counted or not)."""
        links = self.links
        return links[
            (links["competence_id"] == competence_id) & (links["offering_id"] == offering_id)
        ]

    def graded(self, competence_id: str, statuses: tuple[str, ...]) -> list[tuple[str, int]]:
        """(offering id, grade) of the offerings in these statuses that teach the area."""
        ids = self.offerings.loc[self.offerings["status"].isin(statuses), "id"]
        row = self.matrix.loc[competence_id]
        return [(oid, int(row[oid])) for oid in ids if row[oid] > NOTHING]


def coverage(
    supply: pd.DataFrame,
    teaching: pd.DataFrame,
    competences: pd.DataFrame,
    topic_map: pd.DataFrame,
) -> Coverage:
    """The coverage matrix of the competence areas in demand by the (filtered) offerings."""
    demanded = demanded_competences(competences)
    offerings = matrix_offerings(supply, teaching)
    shown = teaching[teaching["offering_id"].isin(offerings["id"])]
    links = teaching_links(shown, topic_map, list(demanded["id"]))
    matrix = pd.DataFrame(
        NOTHING, index=list(demanded["id"]), columns=list(offerings["id"]), dtype="Int64"
    )
    for offering_id, competence_id, grade in zip(
        links["offering_id"], links["competence_id"], links["grade"], strict=True
    ):
        matrix.loc[competence_id, offering_id] = max(
            int(matrix.loc[competence_id, offering_id]), grade
        )
    return Coverage(matrix=matrix, offerings=offerings, competences=demanded, links=links)


def offerings_without_topics(supply: pd.DataFrame, teaching: pd.DataFrame) -> pd.DataFrame:
    """Matrix columns for which the report names no topic (their column stays empty)."""
    shown = matrix_offerings(supply, teaching)
    return shown[~shown["id"].isin(teaching["offering_id"])]


def unmapped_topics(topic_map: pd.DataFrame) -> list[str]:
    """Course topics that the assumption table links to no competence area."""
    return [topic for topic in TOPICS if topic not in set(topic_map["topic"])]


# === views (language, format, claims, charts) ============================================


def record_names(text: str) -> str:
    """Record the numbers inside proper names in ``text`` (e.g. "ATMP 2030"); return it."""
    for name in NAMES_WITH_NUMBERS:
        for _ in range(text.count(name)):
            for number in re.findall(r"\d+", name):
                claims.record(number, float(number), f"name:{name}")
    return text


def _recorded(values: pd.Series) -> pd.Series:
    """A text column with the numbers of its proper names recorded."""
    return values.map(lambda text: record_names(str(text)))


def audience_label(audience: str, lang: str) -> str:
    """The audience in the language ("all" reads "all audiences")."""
    return t(f"supply_audience_{audience}", lang)


def _list_label(cell: object, prefix: str, lang: str) -> str:
    """A list-valued cell with each item replaced by its label, e.g. "Students, Industry"."""
    items = split_list(cell)
    return ", ".join(t(f"{prefix}{item}", lang) for item in items) if items else EMPTY_CELL


def _count_text(count: Count, lang: str) -> str:
    return claims.number(count.value, lang, f"count:course_supply:{count.condition}")


def intro_text(supply: pd.DataFrame, audience: str, lang: str) -> str:
    """The introduction, its counts recorded with the rows they count.

    When the audience shown has no offering outside the programmes, it says so in words
    rather than as a row of zeros.
    """
    counts = supply_counts(supply, audience)
    if counts["offerings"].value == 0:
        return t("supply_intro_none", lang)
    values = {key: _count_text(count, lang) for key, count in counts.items()}
    return t("supply_intro", lang, **values)


def _names(frame: pd.DataFrame, ids: list[str], lang: str) -> list[str]:
    """The localized names of the rows with these ids, in the order of ``ids``."""
    names = dict(zip(frame["id"], localized(frame, "name", lang), strict=True))
    return [record_names(names[row_id]) for row_id in ids]


def programmes_table(supply: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The degree programmes and the teaching within them that the report names."""
    frame = of_category(supply, "programme")
    return pd.DataFrame(
        {
            t("col_name", lang): _recorded(localized(frame, "name", lang)),
            t("supply_col_depth", lang): frame["atmp_depth"].map(
                lambda depth: t(f"supply_depth_{depth}", lang)
            ),
            t("supply_col_says", lang): _recorded(localized(frame, "description", lang)),
        }
    ).reset_index(drop=True)


def offerings_table(supply: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The offerings outside the degree programmes, available now first."""
    frame = of_category(supply, "offering")
    return pd.DataFrame(
        {
            t("col_name", lang): _recorded(localized(frame, "name", lang)),
            t("col_provider", lang): _recorded(localized(frame, "provider", lang)),
            t("col_status", lang): frame["status"].map(
                lambda status: t(f"supply_status_{status}", lang)
            ),
            t("col_kind", lang): frame["kind"].map(lambda kind: t(f"supply_kind_{kind}", lang)),
            t("col_audience", lang): frame["audience"].map(
                lambda cell: _list_label(cell, "supply_audience_", lang)
            ),
            t("supply_col_depth", lang): frame["atmp_depth"].map(
                lambda depth: t(f"supply_depth_{depth}", lang)
            ),
            t("supply_col_fee", lang): frame["fee"].map(lambda fee: t(f"supply_fee_{fee}", lang)),
            t("supply_col_says", lang): _recorded(localized(frame, "description", lang)),
        }
    ).reset_index(drop=True)


def supply_note(frame: pd.DataFrame, lang: str) -> str:
    """The source note for a table of programmes or offerings."""
    return _sources_note([(SUPPLY_FILE, frame)], lang)


def _sources_note(tables: list[tuple[str, pd.DataFrame]], lang: str) -> str:
    """Source notes for several tables, skipping tables with no rows shown."""
    notes = [source_note(name, frame, lang) for name, frame in tables if not frame.empty]
    return NOTE_SEPARATOR.join(notes)


def related_notes(supply: pd.DataFrame, lang: str) -> list[str]:
    """One note per related initiative: named beside the supply, not an education offering."""
    frame = of_category(supply, "related_initiative")
    return [
        t(
            "supply_related_note",
            lang,
            name=record_names(name),
            provider=record_names(provider),
            says=record_names(says),
        )
        for name, provider, says in zip(
            localized(frame, "name", lang),
            localized(frame, "provider", lang),
            localized(frame, "description", lang),
            strict=True,
        )
    ]


def not_stated_note(full_supply: pd.DataFrame, audience: str, lang: str) -> str | None:
    """For a single audience: the offerings left out because the report states no audience."""
    if audience == "all":
        return None
    frame = audience_not_stated(full_supply)
    if frame.empty:
        return None
    items = LIST_SEPARATOR.join(_names(frame, list(frame["id"]), lang))
    return t("supply_not_stated_note", lang, items=items)


# --- the coverage matrix -------------------------------------------------------------------


def grade_label(grade: int, lang: str) -> str:
    return t(f"supply_grade_{GRADE_IDS[grade]}", lang)


def _column_label(offering: pd.Series, lang: str) -> str:
    name = record_names(offering[f"name_{lang}"])
    if offering["status"] != "offered":
        status = t(f"supply_status_{offering['status']}", lang).lower()
        name = f"{name} ({status})"
    return name


def _wrap(text: str, width: int = 24) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def _link_line(link: pd.Series, lang: str) -> str:
    """ "GMP (good manufacturing practice): elements or single lectures, about ATMP; link: part"."""
    return t(
        "supply_hover_link",
        lang,
        topic=t(f"supply_topic_{link['topic']}", lang),
        depth=t(f"supply_teaching_{link['depth']}", lang),
        focus=t(f"supply_focus_{link['focus']}", lang),
        strength=t(f"supply_strength_{link['strength']}", lang),
    )


def _hover_text(cov: Coverage, lang: str) -> list[list[str]]:
    """One hover text per cell: offering, area, grade, the linking teaching and its quote."""
    competence_names = _names(cov.competences, list(cov.matrix.index), lang)
    offerings = cov.offerings.set_index("id")
    rows = []
    for competence_id, competence in zip(cov.matrix.index, competence_names, strict=True):
        row = []
        for offering_id in cov.matrix.columns:
            links = cov.teaching(competence_id, offering_id)
            lines = [_link_line(link, lang) for _, link in links.iterrows()]
            quotes = list(dict.fromkeys(links["quote"]))
            grade = int(cov.matrix.loc[competence_id, offering_id])
            parts = [
                _column_label(offerings.loc[offering_id], lang),
                competence,
                f"<b>{grade_label(grade, lang)}</b>",
                *lines,
                *[_wrap(f"”{quote}”", 70) for quote in quotes],
            ]
            row.append("<br>".join(parts))
        rows.append(row)
    return rows


def _discrete_colourscale() -> list[list[object]]:
    """Flat colour bands for the grades on a 0 to len(GRADES)-1 scale."""
    scale, size = [], len(GRADES)
    for index, grade in enumerate(GRADES):
        scale += [[index / size, GRADE_COLOURS[grade]], [(index + 1) / size, GRADE_COLOURS[grade]]]
    return scale


def coverage_chart(cov: Coverage, lang: str) -> go.Figure:
    """Heatmap: competence areas in demand (rows) against the offerings (columns), by grade."""
    size = len(GRADES)
    offerings = cov.offerings.set_index("id")
    fig = go.Figure(
        go.Heatmap(
            z=cov.matrix.astype(int).values.tolist(),
            x=[_wrap(_column_label(offerings.loc[oid], lang), 40) for oid in cov.matrix.columns],
            y=_names(cov.competences, list(cov.matrix.index), lang),
            zmin=-0.5,
            zmax=size - 0.5,
            colorscale=_discrete_colourscale(),
            xgap=2,
            ygap=2,
            text=_hover_text(cov, lang),
            hoverinfo="text",
            colorbar={
                "tickvals": list(GRADES),
                "ticktext": [_wrap(grade_label(grade, lang), 22) for grade in GRADES],
                "title": {"text": t("supply_col_grade", lang)},
            },
        )
    )
    base_layout(fig, t("supply_coverage_chart_title", lang))
    fig.update_xaxes(side="top", tickangle=-90, tickfont={"size": 10})
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        height=COVERAGE_HEIGHT, margin={"t": 340}, title={"y": 0.98, "yanchor": "top"}
    )
    return add_source_note(fig, coverage_note(cov, lang))


def coverage_note(cov: Coverage, lang: str) -> str:
    """Sources of the matrix: offerings, teaching, competences and the mapping assumption."""
    shown = cov.links[["source", "locator"]]
    tables = [
        (SUPPLY_FILE, cov.offerings),
        (TEACHING_FILE, shown),
        (COMPETENCE_FILE, cov.competences),
    ]
    return NOTE_SEPARATOR.join([_sources_note(tables, lang), t("supply_assumption_source", lang)])


def _graded_list(cov: Coverage, pairs: list[tuple[str, int]], lang: str) -> str:
    names = _names(cov.offerings, [oid for oid, _ in pairs], lang)
    items = [
        f"{name} ({t(f'supply_grade_inline_{GRADE_IDS[grade]}', lang)})"
        for name, (_, grade) in zip(names, pairs, strict=True)
    ]
    return LIST_SEPARATOR.join(items) or EMPTY_CELL


def coverage_table(cov: Coverage, lang: str) -> pd.DataFrame:
    """Per competence area: the deepest teaching now, who teaches it, what is in development."""
    rows = []
    for competence_id, name, finding in zip(
        cov.competences["id"],
        localized(cov.competences, "name", lang),
        cov.competences["finding"],
        strict=True,
    ):
        rows.append(
            {
                t("supply_col_competence", lang): name,
                t("supply_col_finding", lang): t(f"supply_finding_{finding}", lang),
                t("supply_col_deepest_now", lang): grade_label(cov.best_now(competence_id), lang),
                t("supply_col_taught_now", lang): _graded_list(
                    cov, cov.graded(competence_id, ("offered",)), lang
                ),
                t("supply_col_in_development", lang): _graded_list(
                    cov, cov.graded(competence_id, ("in_development",)), lang
                ),
            }
        )
    return pd.DataFrame(rows)


def _competence_list(cov: Coverage, ids: list[str], lang: str) -> str:
    return LIST_SEPARATOR.join(_names(cov.competences, ids, lang))


def coverage_text(cov: Coverage, lang: str) -> str:
    """Markdown bullets naming the areas at each grade now, computed from the matrix."""
    lines = []
    for grade in sorted(GRADES, reverse=True):
        ids = cov.with_best_now(grade)
        key = f"supply_now_{GRADE_IDS[grade]}"
        if ids:
            lines.append(f"- {t(key, lang, items=_competence_list(cov, ids, lang))}")
        elif grade == DEDICATED_ATMP:
            lines.append(f"- {t('supply_now_no_dedicated_atmp', lang)}")
    deepened = cov.deepened_by_development()
    if deepened:
        items = _competence_list(cov, deepened, lang)
        lines.append(f"- {t('supply_development_deepens', lang, items=items)}")
    return "\n".join(lines)


def caveat_notes(
    supply: pd.DataFrame, teaching: pd.DataFrame, cov: Coverage, lang: str
) -> list[str]:
    """Notes on what the matrix cannot credit: no topics named, held once, links not counted."""
    notes = []
    no_topics = offerings_without_topics(supply, teaching)
    if not no_topics.empty:
        items = LIST_SEPARATOR.join(_names(no_topics, list(no_topics["id"]), lang))
        notes.append(t("supply_no_topics_note", lang, items=items))
    held_once = supply[
        (supply["status"] == "held_once") & (supply["category"] != "related_initiative")
    ]
    if not held_once.empty:
        items = LIST_SEPARATOR.join(_names(held_once, list(held_once["id"]), lang))
        notes.append(t("supply_held_once_note", lang, items=items))
    not_counted = cov.links[~cov.links["counted"]]
    if not not_counted.empty:
        pairs = dict.fromkeys(zip(not_counted["topic"], not_counted["competence_id"], strict=True))
        names = dict(
            zip(cov.competences["id"], localized(cov.competences, "name", lang), strict=True)
        )
        items = LIST_SEPARATOR.join(
            f"{t(f'supply_topic_{topic}', lang)} → {names[cid]}" for topic, cid in pairs
        )
        notes.append(t("supply_not_counted_note", lang, items=items))
    return notes


# --- the mapping assumption ------------------------------------------------------------------


def mapping_summary(topic_map: pd.DataFrame, lang: str) -> dict[str, str]:
    """The values the mapping paragraph quotes."""
    names = [t(f"supply_topic_{topic}", lang) for topic in unmapped_topics(topic_map)]
    return {"unmapped": LIST_SEPARATOR.join(names) or EMPTY_CELL}


def mapping_table(topic_map: pd.DataFrame, competences: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every topic → competence link of the assumption table, with strength and rationale."""
    names = dict(zip(competences["id"], localized(competences, "name", lang), strict=True))
    competence_order = {cid: index for index, cid in enumerate(competences["id"])}
    frame = topic_map.assign(
        _topic=_rank(topic_map["topic"], TOPICS),
        _competence=topic_map["competence_id"].map(competence_order).astype("Int64"),
    ).sort_values(["_topic", "_competence"], kind="stable")
    return pd.DataFrame(
        {
            t("supply_col_topic", lang): frame["topic"].map(
                lambda topic: t(f"supply_topic_{topic}", lang)
            ),
            t("supply_col_competence", lang): frame["competence_id"].map(names),
            t("supply_col_strength", lang): frame["strength"].map(
                lambda strength: t(f"supply_strength_{strength}", lang)
            ),
            t("supply_col_rationale", lang): localized(frame, "rationale", lang),
        }
    ).reset_index(drop=True)


def mapping_note(competences: pd.DataFrame, lang: str) -> str:
    """Source note of the mapping table: the assumption file and where the names come from."""
    demanded = demanded_competences(competences)
    return NOTE_SEPARATOR.join(
        [t("supply_assumption_source", lang), _sources_note([(COMPETENCE_FILE, demanded)], lang)]
    )
