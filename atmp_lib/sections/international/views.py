"""International comparisons as a page shows them: labels, tables, the mechanism grid.

Words come from ``atmp_lib/labels/international.csv`` (``t``) or, for the names, notes and
descriptions of the tables' rows, from their ``_en``/``_sv`` columns; a ``{fact_id}`` in a
note or description is filled in as the fact displays. Every number the page states is
recorded in the claims register (facts and figures record themselves).
"""

from __future__ import annotations

import re
import textwrap

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims, datasets
from atmp_lib.charts import LIGHT_FILLS, add_source_note, base_layout, tint
from atmp_lib.facts import Fact, get_fact
from atmp_lib.figure_views import figure_text, figures_table, number_words
from atmp_lib.figures import Figure
from atmp_lib.formatting import format_number, source_note, unit_label
from atmp_lib.i18n import localized, t
from atmp_lib.sections.international import calculations as calc
from atmp_lib.sections.international.calculations import HOME_COUNTRY, STATUS_ORDER

#: The report's verdicts the page shows, by the place they stand.
INTRO_VERDICTS = ("intl_infrastructure_majority", "intl_education_investments")
SWEDEN_VERDICT = "supply_summary_extremely_limited"
WILLINGNESS_VERDICT = "survey_willingness"
APPRENTICESHIP_VERDICT = "intl_uk_practical_skills"
#: Cell fills of the grid, from the accessible palette: one blue, lighter the less the
#: report says is there; grey for "none", the empty fill for "not mentioned". Each cell also
#: carries its status as text, so no reader depends on the colour.
STATUS_FILLS = {
    "in_place": tint("blue", 1.0),
    "completed": tint("blue", 1.0),
    "scaling_up": tint("blue", 0.7),
    "in_place_not_atmp": tint("blue", 0.45),
    "produced": tint("blue", 0.45),
    "in_development": tint("blue", 0.45),
    "willingness_stated": tint("blue", 0.2),
    "recommended": tint("blue", 0.2),
    "none": tint("grey", 0.35),
    calc.NOT_MENTIONED: LIGHT_FILLS["empty"],
}
ROW_HEIGHT = 72
CELL_WRAP = 22
MECHANISM_FILE = "mechanism_comparison.csv"
INITIATIVE_FILE = "international_initiatives.csv"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


# --- words ---------------------------------------------------------------------------------


def country_names(population: pd.DataFrame, countries: list[str], lang: str) -> list[str]:
    """The countries' names in the language, from the population table."""
    names = dict(zip(population["country"], localized(population, "name", lang), strict=True))
    return [names[code] for code in countries]


def join_names(names: list[str], lang: str) -> str:
    """ "A, B and C" in the language."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('intl_and', lang)} {names[-1]}"


def countries_text(population: pd.DataFrame, countries: list[str], lang: str) -> str:
    """ "United Kingdom, United States and Canada" for the chosen countries."""
    return join_names(country_names(population, countries, lang), lang)


def place_text(population: pd.DataFrame, place: str, lang: str, short: bool = False) -> str:
    """One country's name, or for a joint place "United States/Canada (one study; the report
    does not say which country)" (``short``: "United States/Canada (one study)")."""
    names = country_names(population, calc.codes(place), lang)
    if len(names) == 1:
        return names[0]
    label = "intl_place_joint" if short else "intl_place_unspecified"
    return t(label, lang, countries="/".join(names))


def mechanism_label(mechanism: str, lang: str) -> str:
    return t(f"intl_mechanism_{mechanism}", lang)


def status_label(status: str, lang: str) -> str:
    return t(f"intl_status_{status}", lang)


def audience_text(cell: object, lang: str) -> str:
    """ "students, industry" from a list-valued audience cell."""
    return ", ".join(t(f"intl_audience_{item}", lang) for item in datasets.split_list(cell))


def fill_facts(text: str, facts: pd.DataFrame, lang: str) -> str:
    """A data text with each ``{fact_id}`` filled in as the fact displays (and recorded)."""
    return PLACEHOLDER.sub(lambda match: get_fact(facts, match.group(1)).display(lang), text)


def terms_note(lang: str) -> str:
    """The note on "ATMP" and "Regenerative Medicine (RM)"."""
    return t("intl_rm_note", lang)


def counted(noun: str, value: int, lang: str, basis: str) -> str:
    """A count in words with its noun, recorded: "ten initiatives", "one study" ("ett
    initiativ", "en studie": the noun decides the word for one)."""
    if value == 1:
        return claims.record(t(f"intl_count_{noun}_one", lang), 1, basis)
    return t(f"intl_count_{noun}_many", lang, count=number_words(value, lang, basis))


def intro_values(
    initiatives: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> dict[str, str]:
    """The country list, and how many initiatives and studies the introduction counts: "ten
    initiatives and one study" (a study of the skills gap trains no one)."""
    count = calc.initiative_count(initiatives, countries)
    scope = f"count:international_initiatives:countries∋{'|'.join(countries)}"
    evidence = "|".join(calc.EVIDENCE_MECHANISMS)
    parts = [
        counted(noun, value, lang, f"{scope}&{condition}")
        for noun, value, condition in (
            ("initiatives", count.initiatives, f"mechanisms⊄{evidence}"),
            ("studies", count.studies, f"mechanisms⊆{evidence}"),
        )
        if value
    ]
    return {"countries": countries_text(population, countries, lang),
            "count": join_names(parts, lang)}  # fmt: skip


# --- the mechanism comparison ----------------------------------------------------------------


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _briefs(row_ids: list[str], rows: pd.DataFrame, lang: str) -> list[str]:
    return [b for b in rows.loc[row_ids, f"brief_{lang}"] if not pd.isna(b) and b]


def _sweden_item(mechanism: str, row_ids: list[str], rows: pd.DataFrame, lang: str) -> str:
    """ "e-learning: one introductory course produced by Läkemedelsakademin (…) and a
    tailored … course being developed by CAMP": every Swedish row, strongest first."""
    briefs = _briefs(row_ids, rows, lang)
    label = _lower_first(mechanism_label(mechanism, lang))
    return f"{label}: {join_names(briefs, lang)}" if briefs else label


def mechanism_text(
    mechanisms: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> str:
    """Markdown: how many education and training mechanisms abroad, then Sweden's state for
    them, each count recorded and each Swedish effort worded as what it is; then the
    mapping of needs, shown but not counted."""
    summary = calc.mechanism_summary(mechanisms, countries)
    scope = (
        f"mechanism in {'|'.join(countries)} with status {'|'.join(calc.ABROAD_STATUSES)}, "
        f"not {'|'.join(calc.EVIDENCE_MECHANISMS)}"
    )
    basis = f"count:{MECHANISM_FILE}:{scope}"
    abroad = number_words(len(summary.abroad), lang, basis)
    names = countries_text(population, countries, lang)
    headline = "intl_mechanisms_headline" + ("_one" if len(summary.abroad) == 1 else "")
    lines = [t(headline, lang, abroad=abroad, countries=names)]
    rows = mechanisms.set_index("id")
    for group, ids in summary.in_sweden.items():
        if not ids:
            continue
        items = "; ".join(_sweden_item(m, summary.described[m], rows, lang) for m in ids)
        line = counted_line(f"intl_sweden_{group}", len(ids), f"{basis}; Sweden {group}", lang,
                            items=items)  # fmt: skip
        lines.append(f"- {line}")
    evidence = [
        evidence_text(mechanism, row_ids, rows, lang, countries=names)
        for mechanism, row_ids in summary.evidence.items()
    ]
    return "\n\n".join(["\n".join(lines), *evidence])


def counted_line(key: str, value: int, basis: str, lang: str, **values: str) -> str:
    """A label holding one count, the count recorded with the words that lead up to it
    ("nothing in place: 1"), so that the register tells apart equal counts in a list."""
    count = format_number(value, lang)
    line = t(key, lang, count=count, **values)
    plain = line.replace("**", "")
    claims.record(plain[: plain.index(count) + len(count)], value, basis)
    return line


def evidence_text(
    mechanism: str, row_ids: list[str], rows: pd.DataFrame, lang: str, **values: str
) -> str:
    """The mapping of needs, not counted: what it is, and who has one (Sweden: this report)."""
    places = [calc.place_of(cell) for cell in rows.loc[row_ids, "countries"]]
    abroad = [i for i, place in zip(row_ids, places, strict=True) if place != HOME_COUNTRY]
    sweden = [i for i, place in zip(row_ids, places, strict=True) if place == HOME_COUNTRY]
    key = f"intl_evidence_{mechanism}_" + ("like" if abroad else "alone")
    if not sweden:
        key = f"intl_evidence_{mechanism}_abroad_only"
    return t(
        key,
        lang,
        others="; ".join(_briefs(abroad, rows, lang)),
        sweden="; ".join(_briefs(sweden, rows, lang)),
        **values,
    )


def has_status_in_sweden(mechanisms: pd.DataFrame, countries: list[str], group: str) -> bool:
    """True when Sweden's state for some training mechanism shown is in ``group`` (the page
    then shows the verdict behind it)."""
    return bool(calc.mechanism_summary(mechanisms, countries).in_sweden[group])


def _cell_notes(
    mechanisms: pd.DataFrame, ids: list[str], facts: pd.DataFrame, lang: str
) -> list[str]:
    rows = mechanisms.set_index("id").loc[ids]
    return [
        f"{status_label(status, lang)}: {fill_facts(note, facts, lang)}"
        for status, note in zip(rows["status"], localized(rows, "note", lang), strict=True)
    ]


def _mechanism_order(grid: pd.DataFrame) -> list[str]:
    """Training mechanisms with Sweden's weakest state first (the gaps on top), then schema
    order; the evidence mechanisms (not counted) last."""
    sweden = grid[grid["place"] == HOME_COUNTRY].set_index("mechanism")["status"]
    return sorted(
        sweden.index,
        key=lambda m: (
            m in calc.EVIDENCE_MECHANISMS,
            -STATUS_ORDER.index(sweden[m]),
            calc.MECHANISMS.index(m),
        ),
    )


def _row_label(mechanism: str, lang: str) -> str:
    """A grid row's name; an evidence mechanism says that it is not counted."""
    label = mechanism_label(mechanism, lang)
    if mechanism in calc.EVIDENCE_MECHANISMS:
        return t("intl_evidence_row", lang, mechanism=label)
    return label


def wrap(text: str, width: int) -> str:
    """Chart text in lines of about ``width``, broken at spaces only (a break after a hyphen
    would read "ATMP- området" where the chart's data table joins the lines)."""
    return "<br>".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _wrap_lines(lines: list[str], width: int = 70) -> list[str]:
    return [wrap(line, width) for line in lines]


def status_rank(status: str) -> int:
    """A status's position on the grid's colour scale: the weakest (not mentioned) at 0."""
    return len(STATUS_ORDER) - 1 - STATUS_ORDER.index(status)


def _colourscale() -> list[list[object]]:
    """Flat colour bands, one per status, weakest status at 0."""
    size, scale = len(STATUS_ORDER), []
    for status in reversed(STATUS_ORDER):
        index = status_rank(status)
        scale += [[index / size, STATUS_FILLS[status]], [(index + 1) / size, STATUS_FILLS[status]]]
    return scale


def _hover(mechanism: str, row: object, mechanisms: pd.DataFrame, facts: pd.DataFrame,
           lang: str) -> str:  # fmt: skip
    label = mechanism_label(mechanism, lang)
    if not row.ids:
        return f"{label}<br>{status_label(row.status, lang)}"
    notes = _cell_notes(mechanisms, row.ids, facts, lang)
    return "<br>".join(_wrap_lines([label, *notes]))


def mechanism_chart(
    mechanisms: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> go.Figure:
    """A mechanism-by-place grid: each cell states what the report says (its fill, from the
    accessible palette, repeats it); hover gives the report's words. A row filed under
    several countries has a column of its own; the mapping of needs comes last, marked as
    not counted."""
    grid = calc.presence(mechanisms, countries)
    order = _mechanism_order(grid)
    shown = calc.places(mechanisms, countries)
    cell = {(r.mechanism, r.place): r for r in grid.itertuples()}
    z, text, hover = [], [], []
    for mechanism in order:
        rows = [cell[(mechanism, place)] for place in shown]
        z.append([status_rank(r.status) for r in rows])
        text.append([wrap(status_label(r.status, lang), CELL_WRAP) for r in rows])
        hover.append([_hover(mechanism, r, mechanisms, facts, lang) for r in rows])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[wrap(place_text(population, p, lang, short=True), 22) for p in shown],
            y=[wrap(_row_label(m, lang), 34) for m in order],
            name=t("intl_cell_status", lang),  # names what a cell shows (text, data export)
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            zmin=-0.5,
            zmax=len(STATUS_ORDER) - 0.5,
            colorscale=_colourscale(),
            showscale=False,
            xgap=3,
            ygap=3,
        )
    )
    base_layout(fig, t("intl_chart_mechanisms_title", lang))
    fig.update_xaxes(side="top")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12})
    fig.update_layout(height=140 + ROW_HEIGHT * len(order), margin={"t": 130, "l": 20})
    note = mechanism_note(mechanisms, lang, countries)
    joint = [place_text(population, place, lang, short=True) for place in shown if ";" in place]
    if joint:
        note = f"{t('intl_joint_note', lang, places=', '.join(joint))} {note}"
    return add_source_note(fig, note, width=150)


def mechanism_table(
    mechanisms: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> pd.DataFrame:
    """Every cell of the grid that the report speaks to: where, what state, its words."""
    rows = calc.shown_mechanism_rows(mechanisms, countries)
    return pd.DataFrame(
        {
            t("intl_col_mechanism", lang): rows["mechanism"].map(lambda m: _row_label(m, lang)),
            t("intl_col_where", lang): rows["countries"].map(
                lambda cell: place_text(population, calc.place_of(cell), lang)
            ),
            t("col_status", lang): rows["status"].map(lambda s: status_label(s, lang)),
            t("intl_col_report_says", lang): [
                fill_facts(note, facts, lang) for note in localized(rows, "note", lang)
            ],
            t("col_quote", lang): rows["quote"],
        }
    )


def mechanism_note(mechanisms: pd.DataFrame, lang: str, countries: list[str]) -> str:
    """Source note naming the sections the shown rows quote."""
    return source_note(MECHANISM_FILE, calc.shown_mechanism_rows(mechanisms, countries), lang)


# --- the initiatives table ------------------------------------------------------------------


def fact_text(fact: Fact, lang: str) -> str:
    """A fact with its qualifier and unit: "over 100 apprenticeship places", "up to 40%"."""
    text = fact.display(lang)
    return text if fact.unit == "%" else f"{text} {unit_label(fact.unit, lang)}"


def _start_year(row: pd.Series) -> str:
    if pd.isna(row["start_year"]):
        return ""
    year = int(row["start_year"])
    return claims.record(str(year), year, f"data:{INITIATIVE_FILE}:{row['id']}:start_year")


def _text(cell: object) -> str:
    return "" if pd.isna(cell) else str(cell)


def initiatives_table(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> pd.DataFrame:
    """The chosen countries' initiatives in one comparable structure, one row each."""
    chosen = calc.select_initiatives(initiatives, countries)
    rows = [
        {
            t("col_country", lang): place_text(population, calc.place_of(row["countries"]), lang),
            t("intl_col_initiative", lang): row[f"name_{lang}"],
            t("intl_col_mechanisms", lang): ", ".join(
                mechanism_label(m, lang) for m in calc.codes(row["mechanisms"])
            ),
            t("col_audience", lang): audience_text(row["audience"], lang),
            t("col_start_year", lang): _start_year(row),
            t("intl_col_organisations_named", lang): _text(row["organisations_named"]),
            t("intl_col_scale", lang): (
                ""
                if pd.isna(row["scale_fact_id"])
                else fact_text(get_fact(facts, row["scale_fact_id"]), lang)
            ),
            t("col_description", lang): fill_facts(row[f"description_{lang}"], facts, lang),
        }
        for _, row in chosen.iterrows()
    ]
    return pd.DataFrame(rows)


def initiatives_note(initiatives: pd.DataFrame, lang: str, countries: list[str]) -> str:
    """Source note for the rows of the chosen countries."""
    return source_note(INITIATIVE_FILE, calc.select_initiatives(initiatives, countries), lang)


# --- key figures and Swedish equivalents ------------------------------------------------------


def population_text(population: pd.DataFrame, country: str, lang: str) -> str:
    """ "about 67 million", recorded as resting on the population table."""
    figure = calc.population_millions(population, country)
    return t("intl_population_millions", lang, value=figure_text(figure, lang))


def equivalent_text(figure: Figure, lang: str) -> str:
    """The Swedish equivalent as the page states it: "at least about 15 apprenticeship places"."""
    return figure_text(figure, lang)


def key_figures_table(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
    normalise_by: str,
) -> pd.DataFrame:
    """The report's figures about the chosen countries; with ``normalise_by`` population,
    the country's inhabitants and, for a count that may be scaled, Sweden at that rate."""
    rows = []
    for item in calc.initiative_figures(initiatives, facts, countries):
        record = {
            t("col_country", lang): place_text(population, item.place, lang),
            t("col_figure", lang): item.fact.label(lang),
            t("col_value", lang): item.fact.display(lang),
            t("col_unit", lang): unit_label(item.fact.unit, lang),
            t("intl_col_bound", lang): t(f"intl_bound_{item.fact.qualifier}", lang),
        }
        if normalise_by == "population":
            record.update(_scaled_cells(item, population, lang))
        rows.append(record)
    return pd.DataFrame(rows)


def _scaled_cells(
    item: calc.InitiativeFigure, population: pd.DataFrame, lang: str
) -> dict[str, str]:
    inhabitants_col = t("intl_col_inhabitants", lang)
    sweden_col = t("intl_col_sweden_equivalent", lang)
    if item.fact.unit == "%" or ";" in item.place:
        return {inhabitants_col: "", sweden_col: ""}
    inhabitants = population_text(population, item.place, lang)
    if not item.scalable:
        return {inhabitants_col: inhabitants, sweden_col: t("intl_not_scaled", lang)}
    figure = calc.sweden_equivalent(item.fact, population, item.place)
    return {inhabitants_col: inhabitants, sweden_col: equivalent_text(figure, lang)}


def equivalent_values(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> list[dict[str, str]]:
    """The values of one sentence (``intl_equivalent_sentence``) per scaled count, its caveat
    in the same sentence: "United Kingdom: over 100 apprenticeship places for about 67
    million inhabitants. At the same rate per inhabitant, Sweden (about 10 million
    inhabitants) would have at least about 15 … – an illustration only, …"."""
    return [
        {
            "country": place_text(population, item.place, lang),
            "fact": fact_text(item.fact, lang),
            "inhabitants": population_text(population, item.place, lang),
            "sweden": population_text(population, HOME_COUNTRY, lang),
            "equivalent": equivalent_text(figure, lang),
        }
        for item, figure in calc.sweden_equivalents(initiatives, facts, population, countries)
    ]


def equivalents_table(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> pd.DataFrame:
    """The Swedish equivalents with their formulas and inputs (the one derived-figures table)."""
    pairs = calc.sweden_equivalents(initiatives, facts, population, countries)
    return figures_table([figure for _, figure in pairs], lang)


def _population_source(population: pd.DataFrame, country: str, lang: str) -> str:
    row = population[population["country"] == country].iloc[0]
    return t(
        "intl_population_source",
        lang,
        country=country_names(population, [country], lang)[0],
        organisation=row[f"agency_{lang}"],
        date=str(row["reference_date"]),
    )


def population_note(population: pd.DataFrame, countries: list[str], lang: str) -> str:
    """ "Population: reference/population.csv (population United Kingdom: ONS, 2021-06-30; …)".

    ``countries`` are the countries whose population the page uses; Sweden's row, used for
    every Swedish equivalent, is always named.
    """
    shown = [*[code for code in countries if code != HOME_COUNTRY], HOME_COUNTRY]
    sources = "; ".join(_population_source(population, code, lang) for code in shown)
    return t("intl_population_note", lang, sources=sources)


def figures_note(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
    normalise_by: str,
) -> str:
    """Source note for the key figures (and the population table when normalising)."""
    items = calc.initiative_figures(initiatives, facts, countries)
    ids = [item.fact.id for item in items]
    note = source_note("facts.csv", facts[facts["id"].isin(ids)], lang)
    if normalise_by == "population":
        used = [code for code in countries if code in {item.place for item in items}]
        note = f"{note} {population_note(population, used, lang)}" if used else note
    return note


def equivalents_note(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> str:
    """Source note naming the facts rows and the population rows the equivalents use."""
    pairs = calc.sweden_equivalents(initiatives, facts, population, countries)
    rows = facts[facts["id"].isin([item.fact.id for item, _ in pairs])]
    used = calc.scaled_countries(initiatives, facts, countries)
    return f"{source_note('facts.csv', rows, lang)} {population_note(population, used, lang)}"
