"""The domestic course supply, computed without a language: what Sweden teaches about ATMP,
and which competence areas in demand the teaching it names covers, with what ATMP focus.

The report finds no degree programme or tailored course aimed at ATMP at the universities;
``course_supply.csv`` therefore keeps three categories apart: the relevant degree
programmes (and the teaching within them that the report names as exceptions), the
education and knowledge-raising offerings outside the programmes, and a related initiative
that is not education. ``course_teaching.csv`` records, topic by topic and in the report's
words, what each programme or offering teaches, in what form and with what focus; the
assumption table ``topic_competence_map.csv`` links topics to the competence areas in
demand, each link with a strength. A cell of the coverage matrix is graded by the ATMP
focus and form of the teaching named (courses aimed at ATMP, courses not aimed at ATMP,
occasional elements, nothing named), never by a bare link. The grade is not a depth: an
introductory course aimed at ATMP ranks above a programme's courses not aimed at ATMP, and
no grade says whether the teaching is practical.

The report says one course was produced, without saying whether it is available now, and
one was given at an earlier national conference: neither counts as given now.

Everything here takes and returns frames and dataclasses keyed by the tables' ids; the
words, numbers and charts a page shows are in :mod:`.views`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atmp_lib.datasets import split_list

ALL_AUDIENCES = "all"
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
DEPTHS = ("none", "exceptional", "occasional", "partial", "dedicated")
STATUSES = ("offered", "produced", "in_development", "given_at_earlier_conference", "ongoing")
#: Offerings the report names without saying that they are given now.
NOT_NOW_STATUSES = ("produced", "given_at_earlier_conference")
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

#: Coverage grades, the least ATMP-focused first: nothing named, occasional elements, courses
#: not aimed at ATMP, courses aimed at ATMP (introductory ones included).
NOTHING, OCCASIONAL, DEDICATED_OTHER, DEDICATED_ATMP = 0, 1, 2, 3
GRADES = (NOTHING, OCCASIONAL, DEDICATED_OTHER, DEDICATED_ATMP)
GRADE_IDS = {
    NOTHING: "nothing",
    OCCASIONAL: "occasional",
    DEDICATED_OTHER: "dedicated_other",
    DEDICATED_ATMP: "dedicated_atmp",
}


# --- audiences ---------------------------------------------------------------------------


def names_audience(cell: object, audience: str) -> bool:
    """True when an audience cell names ``audience``."""
    return audience in split_list(cell)


def filter_by_audience(supply: pd.DataFrame, audience: str) -> pd.DataFrame:
    """The rows whose audience list names ``audience`` ("all": every row).

    Rows whose audience the report does not state (an empty cell) are kept only for "all";
    the page names them (see :func:`audience_not_stated`) so that a filtered page does not
    hide them silently. ``audience`` is checked against the section's declaration
    (:mod:`.parameters`) before anything is loaded.
    """
    if audience == ALL_AUDIENCES:
        return supply
    keep = supply["audience"].map(lambda cell: names_audience(cell, audience)).astype(bool)
    return supply[keep]


def audience_not_stated(supply: pd.DataFrame) -> pd.DataFrame:
    """Programmes and offerings whose audience the report does not state."""
    unstated = supply["audience"].map(lambda cell: not split_list(cell)).astype(bool)
    return _ordered(supply[unstated & (supply["category"] != "related_initiative")])


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


def not_given_now(supply: pd.DataFrame) -> pd.DataFrame:
    """Programmes and offerings the report names without saying they are given now (produced,
    availability not stated; given at an earlier conference): not columns of the matrix."""
    keep = supply["status"].isin(NOT_NOW_STATUSES) & (supply["category"] != "related_initiative")
    return supply[keep]


@dataclass(frozen=True)
class Count:
    """A number of rows and the condition that selected them (for the claims register)."""

    value: int
    condition: str


def supply_counts(supply: pd.DataFrame, audience: str) -> dict[str, Count]:
    """The counts the introduction states, for the rows of the audience shown.

    Offerings are the efforts outside the degree programmes; "aimed" counts the offerings
    available now that are aimed at ATMP. A course the report says was produced, without
    saying whether it is available now, is counted apart, not as available now.
    """
    offerings = supply[supply["category"] == "offering"]
    scope = "category=offering" + ("" if audience == ALL_AUDIENCES else f"&audience∋{audience}")

    def count(frame: pd.DataFrame, condition: str) -> Count:
        return Count(len(frame), f"{scope}{condition}")

    offered = offerings[offerings["status"] == "offered"]
    return {
        "offerings": count(offerings, ""),
        "offered": count(offered, "&status=offered"),
        "aimed": count(
            offered[offered["atmp_depth"] == "dedicated"], "&status=offered&atmp_depth=dedicated"
        ),
        **{
            status: count(offerings[offerings["status"] == status], f"&status={status}")
            for status in ("produced", "in_development", "given_at_earlier_conference")
        },
    }


# --- coverage ------------------------------------------------------------------------------


def grade_of(depth: str, focus: str) -> int:
    """The coverage grade of one piece of teaching: its form (courses or occasional
    elements), and whether it is aimed at ATMP."""
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
    """Which competence areas in demand the offerings teach, with what ATMP focus.

    ``matrix`` has one row per competence id and one column per offering id, holding the
    best grade (NOTHING … DEDICATED_ATMP) of that offering's teaching of that area.
    """

    matrix: pd.DataFrame
    offerings: pd.DataFrame
    competences: pd.DataFrame
    links: pd.DataFrame

    def _ids(self, statuses: tuple[str, ...]) -> list[str]:
        return list(self.offerings.loc[self.offerings["status"].isin(statuses), "id"])

    def _best(self, competence_id: str, statuses: tuple[str, ...]) -> int:
        row = self.matrix.loc[competence_id, self._ids(statuses)]
        return int(row.max()) if len(row) else NOTHING

    def best_now(self, competence_id: str) -> int:
        """The most ATMP-focused teaching of the area among the offerings available now."""
        return self._best(competence_id, ("offered",))

    def best_in_development(self, competence_id: str) -> int:
        """The most ATMP-focused teaching of the area among the offerings being developed."""
        return self._best(competence_id, ("in_development",))

    def occasional_atmp_now(self, competence_id: str) -> list[str]:
        """The offerings available now whose counted teaching of the area is occasional
        elements about ATMP (beside any courses not aimed at ATMP), in column order."""
        links = self.links
        rows = links[
            links["counted"]
            & (links["competence_id"] == competence_id)
            & (links["depth"] == "occasional")
            & (links["focus"] == "atmp")
        ]
        return [oid for oid in self._ids(("offered",)) if oid in set(rows["offering_id"])]

    def with_best_now(self, grade: int) -> list[str]:
        """Competence ids whose most ATMP-focused teaching now has exactly this grade, in
        table order."""
        return [cid for cid in self.matrix.index if self.best_now(cid) == grade]

    def raised_by_development(self) -> list[str]:
        """Competence ids that an offering in development would teach with more ATMP focus
        than anything now (not more deeply: see :func:`grade_of`)."""
        return [
            cid for cid in self.matrix.index if self.best_in_development(cid) > self.best_now(cid)
        ]

    def raising_offerings(self) -> list[str]:
        """The offerings in development behind :meth:`raised_by_development`, in column order."""
        raised = self.raised_by_development()
        return [
            oid
            for oid in self._ids(("in_development",))
            if any(int(self.matrix.loc[cid, oid]) > self.best_now(cid) for cid in raised)
        ]

    def is_introductory(self, offering_id: str) -> bool:
        """True when the report calls the offering an introductory course."""
        return bool(self.offerings.set_index("id").loc[offering_id, "introductory"])

    def teaching(self, competence_id: str, offering_id: str) -> pd.DataFrame:
        """The links behind one cell (counted or not)."""
        links = self.links
        return links[
            (links["competence_id"] == competence_id) & (links["offering_id"] == offering_id)
        ]

    def graded(self, competence_id: str, statuses: tuple[str, ...]) -> list[tuple[str, int]]:
        """(offering id, grade) of the offerings in these statuses that teach the area."""
        row = self.matrix.loc[competence_id]
        return [(oid, int(row[oid])) for oid in self._ids(statuses) if row[oid] > NOTHING]

    def not_counted(self) -> list[tuple[str, str]]:
        """(topic, competence id) of the links shown but not counted, in link order."""
        rows = self.links[~self.links["counted"]]
        return list(dict.fromkeys(zip(rows["topic"], rows["competence_id"], strict=True)))

    def resting_on_assumption(self) -> list[str]:
        """Areas with nothing named now that some teaching available now borders on: their
        "nothing named" holds only as long as the assumption table calls the link adjacent."""
        return [cid for cid in self.with_best_now(NOTHING) if not self._bordering(cid).empty]

    def _bordering(self, competence_id: str) -> pd.DataFrame:
        offered = self._ids(("offered",))
        links = self.links
        return links[
            ~links["counted"]
            & links["offering_id"].isin(offered)
            & (links["competence_id"] == competence_id)
        ]

    def bordering_topics(self, competence_id: str) -> list[str]:
        """The topics, taught now, that the assumption table calls adjacent to an area."""
        rows = self._bordering(competence_id)
        return [topic for topic in TOPICS if topic in set(rows["topic"])]

    def grade_if_counted(self, competence_id: str) -> int:
        """The grade now of an area if its adjacent links counted as part of it."""
        rows = self._bordering(competence_id)
        grades = [grade_of(d, f) for d, f in zip(rows["depth"], rows["focus"], strict=True)]
        return max([self.best_now(competence_id), *grades])


def coverage(
    supply: pd.DataFrame,
    teaching: pd.DataFrame,
    competences: pd.DataFrame,
    topic_map: pd.DataFrame,
) -> Coverage:
    """The coverage matrix of the competence areas in demand by the (filtered) offerings,
    graded by the ATMP focus of the teaching named."""
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


# --- the mapping assumption ------------------------------------------------------------------


def unmapped_topics(topic_map: pd.DataFrame) -> list[str]:
    """Course topics that the assumption table links to no competence area."""
    return [topic for topic in TOPICS if topic not in set(topic_map["topic"])]


def ordered_links(topic_map: pd.DataFrame, competences: pd.DataFrame) -> pd.DataFrame:
    """The assumption table's links by topic (schema order), then competence (table order)."""
    competence_order = {cid: index for index, cid in enumerate(competences["id"])}
    frame = topic_map.assign(
        _topic=_rank(topic_map["topic"], TOPICS),
        _competence=topic_map["competence_id"].map(competence_order).astype("Int64"),
    ).sort_values(["_topic", "_competence"], kind="stable")
    return frame.drop(columns=["_topic", "_competence"]).reset_index(drop=True)
