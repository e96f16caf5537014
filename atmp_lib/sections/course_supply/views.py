"""The domestic course supply as a page shows it: labels, tables, the coverage chart.

Words come from ``atmp_lib/labels/course_supply.csv`` (``t``) or, for the names and
descriptions of the tables' rows, from their ``_en``/``_sv`` columns (``localized``);
every number the page states is recorded in the claims register with the rows it counts.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims
from atmp_lib.charts import LIGHT_FILLS, add_source_note, base_layout, tint
from atmp_lib.datasets import split_list
from atmp_lib.figure_views import number_words
from atmp_lib.formatting import source_note
from atmp_lib.i18n import localized, t
from atmp_lib.sections.course_supply import calculations as calc
from atmp_lib.sections.course_supply.calculations import GRADE_IDS, GRADES, Count, Coverage

#: The report's verdicts the page shows, by the place they stand.
PROGRAMMES_VERDICT = "supply_no_atmp_programmes"
COVERAGE_VERDICTS = ("supply_very_limited", "supply_summary_extremely_limited")
SIGNAL_VERDICTS = ("overview_signal_universities", "overview_signal_partners")
#: A competence area whose name in the sources needs a reading (this summary's, labelled).
READINGS = {"compound_manufacturing_control": "supply_reading_compound_manufacturing_control"}
#: Cell fills from the accessible palette, darker with more ATMP focus; every cell also
#: states its grade in words, so no reader depends on the colour.
GRADE_FILLS = {
    calc.NOTHING: LIGHT_FILLS["empty"],
    calc.OCCASIONAL: tint("blue", 0.25),
    calc.DEDICATED_OTHER: tint("blue", 0.55),
    calc.DEDICATED_ATMP: tint("blue", 1.0),
}
CELL_WRAP = 16
LIST_SEPARATOR = "; "
EMPTY_CELL = "\u2013"
NOTE_SEPARATOR = " \u00b7 "
COVERAGE_HEIGHT = 820
SUPPLY_FILE = "course_supply.csv"
TEACHING_FILE = "course_teaching.csv"
COMPETENCE_FILE = "competences.csv"


# --- words ---------------------------------------------------------------------------------


def audience_label(audience: str, lang: str) -> str:
    """The audience parameter in the language ("all" reads "all audiences")."""
    return t(f"supply_audience_{audience}", lang)


def audience_text(cell: object, mainly: bool, lang: str) -> str:
    """An audience cell as the report words it: "Students", "Mainly doctoral students",
    "Not stated" (an empty cell)."""
    items = split_list(cell)
    if not items:
        return t("supply_audience_not_stated", lang)
    text = ", ".join(t(f"supply_audience_{item}", lang) for item in items)
    return (
        t("supply_audience_mainly", lang, audience=text[:1].lower() + text[1:]) if mainly else text
    )


def competence_names(
    competences: pd.DataFrame, lang: str, readings: bool = True
) -> dict[str, str]:
    """Competence id -> name in the language, with this summary's reading where one is
    labelled ("Compound manufacturing control (reading: probably CMC – …)")."""
    names = dict(zip(competences["id"], localized(competences, "name", lang), strict=True))
    for competence_id, label_id in READINGS.items() if readings else ():
        if competence_id in names:
            names[competence_id] = f"{names[competence_id]} ({t(label_id, lang)})"
    return names


def _names(frame: pd.DataFrame, ids: list[str], lang: str) -> list[str]:
    """The localized names of the rows with these ids, in the order of ``ids``."""
    names = dict(zip(frame["id"], localized(frame, "name", lang), strict=True))
    return [names[row_id] for row_id in ids]


def count_words(count: Count, lang: str) -> str:
    """A count of efforts as running text writes it ("one", "three"; Swedish "en", "tre",
    agreeing with "insats"; digits from 13 on), recorded with the rows it counts."""
    basis = f"count:course_supply:{count.condition}"
    if count.value == 1:
        return claims.record(t("supply_number_one", lang), 1, basis)
    return number_words(count.value, lang, basis)


def grade_label(grade: int, lang: str, introductory: bool = False) -> str:
    """A grade in words ("Courses aimed at ATMP"); for an introductory course aimed at
    ATMP, "Introductory course aimed at ATMP"."""
    return t(f"supply_grade_{_grade_id(grade, introductory)}", lang)


def grade_inline(grade: int, lang: str, introductory: bool = False) -> str:
    """A grade in running text ("courses aimed at ATMP", "introductory course …")."""
    return t(f"supply_grade_inline_{_grade_id(grade, introductory)}", lang)


def _grade_id(grade: int, introductory: bool) -> str:
    if introductory and grade == calc.DEDICATED_ATMP:
        return "introductory_atmp"
    return GRADE_IDS[grade]


def _wrap(text: str, width: int = 24) -> str:
    """Chart text in lines of about ``width``, broken at spaces only: a line break after the
    hyphen of "ATMP-området" would read "ATMP- området" in the chart's data table."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines)


# --- introduction and inventory ----------------------------------------------------------


def intro_text(supply: pd.DataFrame, audience: str, lang: str) -> str:
    """The introduction, then one bullet per status of the offerings (a status with none
    for the audience shown is left out), each count recorded with its own words.

    When the audience shown has no offering outside the programmes, it says so in words
    rather than as a row of zeros.
    """
    counts = calc.supply_counts(supply, audience)
    if counts["offerings"].value == 0:
        return t("supply_intro_none", lang)
    total = counts["offerings"].value
    efforts = t(f"supply_efforts_{'one' if total == 1 else 'many'}", lang,
                count=count_words(counts["offerings"], lang))  # fmt: skip
    parts = "\n".join(f"- {part}" for part in _status_parts(counts, lang))
    return f"{t('supply_intro', lang, efforts=efforts)}\n\n{parts}"


def _status_parts(counts: dict[str, Count], lang: str) -> list[str]:
    """ "three available now (one of them aimed at ATMP)", "one produced (…)", …: each count
    in words, recorded with the rows it counts (the share aimed at ATMP within its part)."""
    parts = []
    for key in ("offered", "produced", "in_development", "given_at_earlier_conference"):
        count = counts[key]
        if count.value == 0:
            continue
        values = {"count": count_words(count, lang)}
        if key == "offered":
            aimed = counts["aimed"]
            values["aimed"] = (
                t("supply_part_aimed", lang, count=count_words(aimed, lang))
                if aimed.value
                else t("supply_part_aimed_none", lang)
            )
        parts.append(t(f"supply_part_{key}", lang, **values))
    return parts


def programmes_table(supply: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The degree programmes and the teaching within them that the report names."""
    frame = calc.of_category(supply, "programme")
    return pd.DataFrame(
        {
            t("col_name", lang): localized(frame, "name", lang),
            t("supply_col_depth", lang): frame["atmp_depth"].map(
                lambda depth: t(f"supply_depth_{depth}", lang)
            ),
            t("supply_col_says", lang): localized(frame, "description", lang),
        }
    ).reset_index(drop=True)


def offerings_table(supply: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The offerings outside the degree programmes, available now first."""
    frame = calc.of_category(supply, "offering")
    audiences = [
        audience_text(cell, bool(mainly), lang)
        for cell, mainly in zip(frame["audience"], frame["audience_mainly"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("col_name", lang): localized(frame, "name", lang),
            t("col_provider", lang): localized(frame, "provider", lang),
            t("col_status", lang): frame["status"].map(
                lambda status: t(f"supply_status_{status}", lang)
            ),
            t("col_kind", lang): frame["kind"].map(lambda kind: t(f"supply_kind_{kind}", lang)),
            t("col_audience", lang): audiences,
            t("supply_col_depth", lang): frame["atmp_depth"].map(
                lambda depth: t(f"supply_depth_{depth}", lang)
            ),
            t("supply_col_fee", lang): frame["fee"].map(lambda fee: t(f"supply_fee_{fee}", lang)),
            t("supply_col_says", lang): localized(frame, "description", lang),
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
    frame = calc.of_category(supply, "related_initiative")
    return [
        t("supply_related_note", lang, name=name, provider=provider, says=says)
        for name, provider, says in zip(
            localized(frame, "name", lang),
            localized(frame, "provider", lang),
            localized(frame, "description", lang),
            strict=True,
        )
    ]


def not_stated_note(full_supply: pd.DataFrame, audience: str, lang: str) -> str | None:
    """For a single audience: the offerings left out because the report states no audience."""
    if audience == calc.ALL_AUDIENCES:
        return None
    frame = calc.audience_not_stated(full_supply)
    if frame.empty:
        return None
    items = LIST_SEPARATOR.join(_names(frame, list(frame["id"]), lang))
    return t("supply_not_stated_note", lang, items=items)


# --- the coverage matrix -------------------------------------------------------------------


def _column_label(offering: pd.Series, lang: str) -> str:
    name = offering[f"name_{lang}"]
    if offering["status"] != "offered":
        status = t(f"supply_status_{offering['status']}", lang).lower()
        name = f"{name} ({status})"
    return name


def _link_line(link: pd.Series, lang: str) -> str:
    """ "GMP (good manufacturing practice): elements or single lectures about ATMP; link:
    part of the area" (the focus worded to agree with the form: "kurser som inte är
    inriktade mot ATMP")."""
    focus = t(f"supply_focus_{link['focus']}", lang)
    return t(
        "supply_hover_link",
        lang,
        topic=t(f"supply_topic_{link['topic']}", lang),
        teaching=t(f"supply_teaching_{link['depth']}", lang, focus=focus),
        strength=t(f"supply_strength_{link['strength']}", lang),
    )


def _cell_grade(cov: Coverage, competence_id: str, offering_id: str, lang: str) -> str:
    """A cell's grade in words, "introductory" where an introductory course earns it."""
    grade = int(cov.matrix.loc[competence_id, offering_id])
    return grade_label(grade, lang, cov.is_introductory(offering_id))


def _hover_text(cov: Coverage, lang: str) -> list[list[str]]:
    """One hover text per cell: offering, area, grade, the linking teaching and its quote."""
    names = competence_names(cov.competences, lang)
    offerings = cov.offerings.set_index("id")
    rows = []
    for competence_id in cov.matrix.index:
        row = []
        for offering_id in cov.matrix.columns:
            links = cov.teaching(competence_id, offering_id)
            lines = [_link_line(link, lang) for _, link in links.iterrows()]
            quotes = list(dict.fromkeys(links["quote"]))
            parts = [
                _column_label(offerings.loc[offering_id], lang),
                names[competence_id],
                f"<b>{_cell_grade(cov, competence_id, offering_id, lang)}</b>",
                *lines,
                *[_wrap(f"”{quote}”", 70) for quote in quotes],
            ]
            row.append("<br>".join(parts))
        rows.append(row)
    return rows


def _cell_text(cov: Coverage, lang: str) -> list[list[str]]:
    """The grade each cell states in words (its fill repeats it)."""
    return [
        [_wrap(_cell_grade(cov, cid, oid, lang), CELL_WRAP) for oid in cov.matrix.columns]
        for cid in cov.matrix.index
    ]


def _discrete_colourscale() -> list[list[object]]:
    """Flat colour bands for the grades on a 0 to len(GRADES)-1 scale."""
    scale, size = [], len(GRADES)
    for index, grade in enumerate(GRADES):
        scale += [[index / size, GRADE_FILLS[grade]], [(index + 1) / size, GRADE_FILLS[grade]]]
    return scale


def _scale_label(grade: int, lang: str) -> str:
    """A grade as the colour scale names it (its top step includes introductory courses)."""
    if grade == calc.DEDICATED_ATMP:
        return t("supply_scale_dedicated_atmp", lang)
    return grade_label(grade, lang)


def coverage_chart(cov: Coverage, lang: str) -> go.Figure:
    """Heat map: competence areas in demand (rows) against the offerings (columns), each cell
    stating the ATMP focus of the teaching named (not its depth)."""
    size = len(GRADES)
    offerings = cov.offerings.set_index("id")
    names = competence_names(cov.competences, lang)
    fig = go.Figure(
        go.Heatmap(
            z=cov.matrix.astype(int).values.tolist(),
            x=[_wrap(_column_label(offerings.loc[oid], lang), 40) for oid in cov.matrix.columns],
            y=[_wrap(names[cid], 40) for cid in cov.matrix.index],
            name=t("supply_col_grade", lang),
            zmin=-0.5,
            zmax=size - 0.5,
            colorscale=_discrete_colourscale(),
            xgap=2,
            ygap=2,
            text=_cell_text(cov, lang),
            texttemplate="%{text}",
            textfont={"size": 10},
            hovertext=_hover_text(cov, lang),
            hovertemplate="%{hovertext}<extra></extra>",
            colorbar={
                "tickvals": list(GRADES),
                "ticktext": [_wrap(_scale_label(grade, lang), 22) for grade in GRADES],
                "title": {"text": _wrap(t("supply_col_grade", lang), 22)},
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
        f"{name} ({grade_inline(grade, lang, cov.is_introductory(oid))})"
        for name, (oid, grade) in zip(names, pairs, strict=True)
    ]
    return LIST_SEPARATOR.join(items) or EMPTY_CELL


def coverage_table(cov: Coverage, lang: str) -> pd.DataFrame:
    """Per competence area: the ATMP focus of the teaching named now, who teaches it, what
    is in development."""
    names = competence_names(cov.competences, lang)
    rows = []
    for competence_id, finding in zip(
        cov.competences["id"], cov.competences["finding"], strict=True
    ):
        rows.append(
            {
                t("supply_col_competence", lang): names[competence_id],
                t("supply_col_finding", lang): t(f"supply_finding_{finding}", lang),
                t("supply_col_focus_now", lang): grade_label(cov.best_now(competence_id), lang),
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
    names = competence_names(cov.competences, lang)
    return LIST_SEPARATOR.join(names[cid] for cid in ids)


def _topic_list(topics: list[str], lang: str) -> str:
    return LIST_SEPARATOR.join(t(f"supply_topic_{topic}", lang).lower() for topic in topics)


def coverage_text(cov: Coverage, lang: str) -> str:
    """Markdown bullets naming the areas at each grade now, computed from the matrix, the
    areas whose "nothing named" rests on the link assumption, and what the offerings in
    development would add (introductory teaching is not practical training)."""
    lines = []
    names = competence_names(cov.competences, lang)
    for grade in sorted(GRADES, reverse=True):
        ids = cov.with_best_now(grade)
        key = f"supply_now_{GRADE_IDS[grade]}"
        if ids:
            lines.append(f"- {t(key, lang, items=_competence_list(cov, ids, lang))}")
        elif grade == calc.DEDICATED_ATMP:
            lines.append(f"- {t('supply_now_no_dedicated_atmp', lang)}")
        if grade == calc.DEDICATED_OTHER:
            lines += [f"    - {line}" for line in occasional_atmp_lines(cov, ids, lang)]
    for competence_id in cov.resting_on_assumption():
        grade = grade_inline(cov.grade_if_counted(competence_id), lang)
        topics = _topic_list(cov.bordering_topics(competence_id), lang)
        area = _lower_first(names[competence_id])
        text = t("supply_rests_on_assumption", lang, area=area, topics=topics, grade=grade)
        lines.append(f"    - {text}")
    development = development_text(cov, lang)
    if development:
        lines.append(f"- {development}")
    return "\n".join(lines)


def occasional_atmp_lines(cov: Coverage, ids: list[str], lang: str) -> list[str]:
    """For each area whose most ATMP-focused teaching now is courses not aimed at ATMP, the
    offerings that add occasional elements about ATMP, where the report names any: "Plus
    occasional ATMP elements in production (including GMP): Biomedical scientist …"."""
    names = competence_names(cov.competences, lang)
    lines = []
    for competence_id in ids:
        offerings = cov.occasional_atmp_now(competence_id)
        if offerings:
            items = LIST_SEPARATOR.join(_names(cov.offerings, offerings, lang))
            area = _lower_first(names[competence_id])
            lines.append(t("supply_now_occasional_atmp_too", lang, area=area, items=items))
    return lines


def development_text(cov: Coverage, lang: str) -> str:
    """What the offerings in development would add: ATMP-specific introductory teaching
    where they are introductory courses, and, for the areas the survey finds especially
    hard to find, that an introductory course is not practical training."""
    raised = cov.raised_by_development()
    if not raised:
        return ""
    introductory = all(cov.is_introductory(oid) for oid in cov.raising_offerings())
    items = _competence_list(cov, raised, lang)
    key = "supply_development_introductory" if introductory else "supply_development_focus"
    text = t(key, lang, items=items)
    findings = dict(zip(cov.competences["id"], cov.competences["finding"], strict=True))
    hard = [cid for cid in raised if findings[cid] == "hardest_to_find"]
    if introductory and hard:
        names = competence_names(cov.competences, lang, readings=False)
        areas = LIST_SEPARATOR.join(_lower_first(names[cid]) for cid in hard)
        text = f"{text} {t('supply_development_not_practical', lang, areas=areas)}"
    return text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def caveat_notes(
    supply: pd.DataFrame, teaching: pd.DataFrame, cov: Coverage, lang: str
) -> list[str]:
    """Notes on what the matrix cannot credit: no topics named, not said to be given now,
    links not counted."""
    notes = []
    no_topics = calc.offerings_without_topics(supply, teaching)
    if not no_topics.empty:
        items = LIST_SEPARATOR.join(_names(no_topics, list(no_topics["id"]), lang))
        notes.append(t("supply_no_topics_note", lang, items=items))
    not_now = calc.not_given_now(supply)
    if not not_now.empty:
        items = LIST_SEPARATOR.join(_names(not_now, list(not_now["id"]), lang))
        notes.append(t("supply_not_now_note", lang, items=items))
    pairs = cov.not_counted()
    if pairs:
        names = competence_names(cov.competences, lang, readings=False)
        items = LIST_SEPARATOR.join(
            f"{t(f'supply_topic_{topic}', lang)} → {names[cid]}" for topic, cid in pairs
        )
        notes.append(t("supply_not_counted_note", lang, items=items))
    return notes


# --- the mapping assumption ------------------------------------------------------------------


def mapping_summary(topic_map: pd.DataFrame, lang: str) -> dict[str, str]:
    """The values the mapping paragraph quotes."""
    names = [t(f"supply_topic_{topic}", lang) for topic in calc.unmapped_topics(topic_map)]
    return {"unmapped": LIST_SEPARATOR.join(names) or EMPTY_CELL}


def mapping_table(topic_map: pd.DataFrame, competences: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every topic → competence link of the assumption table, with strength and rationale."""
    frame = calc.ordered_links(topic_map, competences)
    names = competence_names(competences, lang)
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
    )


def mapping_note(competences: pd.DataFrame, lang: str) -> str:
    """Source note of the mapping table: the assumption file and where the names come from."""
    demanded = calc.demanded_competences(competences)
    return NOTE_SEPARATOR.join(
        [t("supply_assumption_source", lang), _sources_note([(COMPETENCE_FILE, demanded)], lang)]
    )
