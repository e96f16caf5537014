"""International comparisons: the UK, US and Canadian initiatives the report describes.

The section sets the foreign initiatives side by side, scales the figures that are counts
by population (and asks what the same rate would mean for Sweden), and lists the kinds of
initiative that exist abroad but have no offered counterpart in the Swedish course supply.
Open-ended figures keep their direction: a rate derived from "över 100" is a lower bound.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from atmp_lib import datasets
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived, Fact, fact_from_row, get_fact
from atmp_lib.formatting import (
    QUALIFIER_LABELS,
    format_fact,
    format_formula,
    format_number,
    source_note,
    unit_label,
)
from atmp_lib.i18n import check_lang, localized, t
from atmp_lib.normalise import MILLION, fact_per_million, population_of

NORMALISE_CHOICES = ("population", "none")
HOME_COUNTRY = "SE"
INTERNATIONAL_TOPICS = ("international_uk", "international_us_ca")
NOT_SCALABLE_UNITS = ("%", "year")  # shares and dates are not counts of anything per inhabitant
UK_APPRENTICESHIP_FACT = "uk_apprenticeship_places"
COUNTRY_COLOURS = {"GB": "#1f77b4", "US": "#d62728", "CA": "#2ca02c"}
SWEDEN_COLOUR = "#ffbf00"


# --- parameters -------------------------------------------------------------------------


def known_countries() -> tuple[str, ...]:
    """The ISO codes the international_initiatives table allows (its ``country`` enum)."""
    fields = datasets.resources()["international_initiatives"].fields
    return tuple(next(f for f in fields if f.name == "country").constraints["enum"])


def check_countries(countries: object) -> list[str]:
    """Return ``countries`` as a list if it is a non-empty, duplicate-free list of known codes."""
    allowed = known_countries()
    choices = ", ".join(allowed)
    if isinstance(countries, str) or not isinstance(countries, Sequence):
        raise ValueError(
            f"parameter 'countries': {countries!r} is not a list of ISO codes (e.g. ['GB', 'US'])"
        )
    if not countries:
        raise ValueError(f"parameter 'countries': the list is empty; name one or more of {choices}")
    for code in countries:
        if code not in allowed:
            raise ValueError(f"parameter 'countries': {code!r} is not one of {choices}")
    duplicates = sorted({code for code in countries if list(countries).count(code) > 1})
    if duplicates:
        raise ValueError(f"parameter 'countries': {', '.join(duplicates)} listed more than once")
    return list(countries)


def check_normalise_by(normalise_by: object) -> str:
    """Return ``normalise_by`` if it is one of the allowed choices."""
    if normalise_by not in NORMALISE_CHOICES:
        raise ValueError(
            f"parameter 'normalise_by': {normalise_by!r} is not one of "
            f"{', '.join(NORMALISE_CHOICES)}"
        )
    return str(normalise_by)


def check_params(lang: str, countries: object, normalise_by: object) -> list[str]:
    """Validate the section's parameters; returns the country list."""
    check_lang(lang)
    check_normalise_by(normalise_by)
    return check_countries(countries)


# --- the initiatives --------------------------------------------------------------------


def select_initiatives(initiatives: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """The initiatives of the chosen countries, ordered by country (as listed), kind, name.

    The order uses the English name, so the rows keep one order in both languages.
    """
    countries = check_countries(countries)
    rank = {code: position for position, code in enumerate(countries)}
    chosen = initiatives[initiatives["country"].isin(countries)]
    chosen = chosen.assign(_rank=chosen["country"].map(rank))
    ordered = chosen.sort_values(["_rank", "kind", "name_en"], kind="stable")
    return ordered.drop(columns="_rank").reset_index(drop=True)


def country_names(population: pd.DataFrame, countries: list[str], lang: str) -> list[str]:
    """The countries' names in the language, from the population table."""
    names = dict(zip(population["country"], localized(population, "name", lang), strict=True))
    return [names[code] for code in countries]


def join_names(names: list[str], lang: str) -> str:
    """ "A, B and C" in the language."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('intl_and', lang)} {names[-1]}"


def kind_label(kind: str, lang: str) -> str:
    return t(f"intl_kind_{kind}", lang)


def audience_text(cell: object, lang: str) -> str:
    """ "students, industry" from a list-valued audience cell."""
    return ", ".join(t(f"intl_audience_{item}", lang) for item in datasets.split_list(cell))


def scale_text(row: pd.Series, facts: pd.DataFrame, lang: str) -> str:
    """The initiative's scale with its qualifier and unit; the linked fact is authoritative."""
    if not pd.isna(row["scale_fact_id"]):
        fact = get_fact(facts, row["scale_fact_id"])
        return _with_unit(fact.display(lang), fact.unit, lang)
    if pd.isna(row["scale_value"]):
        return ""
    unit = row["scale_unit"]
    value, qualifier = float(row["scale_value"]), row["scale_qualifier"]
    text = format_fact(value, None, None, qualifier, lang, "%" if unit == "%" else "")
    return _with_unit(text, unit, lang)


def _with_unit(text: str, unit: str, lang: str) -> str:
    return text if unit == "%" else f"{text} {unit_label(unit, lang)}"


def initiatives_table(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> pd.DataFrame:
    """The chosen countries' initiatives in one comparable structure, one row each."""
    chosen = select_initiatives(initiatives, countries)
    names = dict(zip(population["country"], localized(population, "name", lang), strict=True))
    chosen = chosen.assign(
        name=localized(chosen, "name", lang), description=localized(chosen, "description", lang)
    )
    rows = [
        {
            t("col_country", lang): names[row["country"]],
            t("intl_col_initiative", lang): row["name"],
            t("col_kind", lang): kind_label(row["kind"], lang),
            t("col_audience", lang): audience_text(row["audience"], lang),
            t("col_start_year", lang): "" if pd.isna(row["start_year"]) else str(row["start_year"]),
            t("intl_col_lead_organisations", lang): _text(row["lead_organisations"]),
            t("intl_col_scale", lang): scale_text(row, facts, lang),
            t("col_description", lang): row["description"],
        }
        for _, row in chosen.iterrows()
    ]
    return pd.DataFrame(rows)


def _text(cell: object) -> str:
    return "" if pd.isna(cell) else str(cell)


def initiatives_note(initiatives: pd.DataFrame, lang: str, countries: list[str]) -> str:
    """Source note for the rows of the chosen countries."""
    return source_note(
        "international_initiatives.csv", select_initiatives(initiatives, countries), lang
    )


def kind_presence(
    initiatives: pd.DataFrame, course_supply: pd.DataFrame, lang: str, countries: list[str]
) -> pd.DataFrame:
    """For each kind found abroad: where it exists (a chosen country, or Sweden when offered).

    Columns kind, place (ISO code), count and names (the initiatives or Swedish entries).
    """
    abroad = select_initiatives(initiatives, countries)
    abroad = abroad.assign(place=abroad["country"], label=localized(abroad, "name", lang))
    offered = course_supply[
        (course_supply["status"] == "offered") & course_supply["kind"].isin(abroad["kind"])
    ]
    offered = offered.assign(place=HOME_COUNTRY, label=localized(offered, "name", lang))
    both = pd.concat([abroad[["kind", "place", "label"]], offered[["kind", "place", "label"]]])
    rank = {code: position for position, code in enumerate([*countries, HOME_COUNTRY])}
    both = both.assign(_rank=both["place"].map(rank))
    grouped = both.groupby(["kind", "_rank", "place"], sort=True)["label"]
    presence = grouped.agg(count="size", names=lambda labels: "<br>".join(labels)).reset_index()
    return presence.drop(columns="_rank")


def initiatives_chart(
    initiatives: pd.DataFrame,
    course_supply: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> go.Figure:
    """A kind-by-country grid of the initiatives, with Sweden's offered supply beside them.

    Kinds missing in Sweden are listed first (at the top); hovering names the initiatives.
    """
    presence = kind_presence(initiatives, course_supply, lang, countries)
    in_sweden = set(presence.loc[presence["place"] == HOME_COUNTRY, "kind"])
    kinds = sorted(set(presence["kind"]), key=lambda kind: (kind in in_sweden, kind))
    places = [*countries, HOME_COUNTRY]
    columns = dict(zip(countries, country_names(population, countries, lang), strict=True))
    columns[HOME_COUNTRY] = t("intl_sweden_offered", lang)
    fig = go.Figure()
    for place in places:
        group = presence[presence["place"] == place]
        fig.add_trace(
            go.Scatter(
                name=columns[place],
                x=[columns[place]] * len(group),
                y=[kind_label(kind, lang) for kind in group["kind"]],
                mode="markers+text",
                text=[str(count) for count in group["count"]],
                textfont={"color": "#333333" if place == HOME_COUNTRY else "white", "size": 11},
                hovertext=group["names"].tolist(),
                hoverinfo="text",
                marker={
                    "size": [14 + 2 * min(count, 8) for count in group["count"]],
                    "color": COUNTRY_COLOURS.get(place, SWEDEN_COLOUR),
                },
            )
        )
    fig.update_xaxes(categoryorder="array", categoryarray=[columns[p] for p in places])
    labels = [kind_label(kind, lang) for kind in kinds]
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], tickfont={"size": 11})
    fig.update_yaxes(tickmode="array", tickvals=labels)  # every kind labelled, none skipped
    base_layout(fig, t("intl_chart_kinds_title", lang))
    fig.update_layout(showlegend=False, margin={"t": 50})
    abroad_kinds = select_initiatives(initiatives, countries)["kind"]
    offered = course_supply[
        (course_supply["status"] == "offered") & course_supply["kind"].isin(abroad_kinds)
    ]
    swedish_note = source_note("course_supply.csv", offered, lang) if len(offered) else ""
    note = f"{initiatives_note(initiatives, lang, countries)} {swedish_note}".strip()
    return add_source_note(fig, note, width=170)


# --- the figures and their normalisation ------------------------------------------------


def country_of_geography(population: pd.DataFrame) -> dict[str, str]:
    """Map a fact's ``geography`` ("United Kingdom") to its ISO code via the population table."""
    return dict(zip(population["name_en"], population["country"], strict=True))


def international_facts(
    facts: pd.DataFrame, population: pd.DataFrame, countries: list[str]
) -> pd.DataFrame:
    """The report's figures about the chosen countries (start years excluded), with ``country``."""
    countries = check_countries(countries)
    chosen = facts[facts["topic"].isin(INTERNATIONAL_TOPICS) & (facts["unit"] != "year")]
    chosen = chosen.assign(country=chosen["geography"].map(country_of_geography(population)))
    chosen = chosen[chosen["country"].isin(countries)]
    rank = {code: position for position, code in enumerate(countries)}
    chosen = chosen.assign(_rank=chosen["country"].map(rank))
    ordered = chosen.sort_values(["_rank", "id"], kind="stable")
    return ordered.drop(columns="_rank").reset_index(drop=True)


def is_scalable(fact: Fact) -> bool:
    """True when the figure is a count that can be expressed per inhabitant."""
    return fact.unit not in NOT_SCALABLE_UNITS


def per_million_figure(fact: Fact, population: pd.DataFrame, country: str) -> Derived:
    """A count per million inhabitants of its country (see ``normalise.fact_per_million``)."""
    return fact_per_million(fact, population, country)


def uk_apprentices_per_million(facts: pd.DataFrame, population: pd.DataFrame) -> Derived:
    """UK apprenticeship places ("över 100", a lower bound) per million UK inhabitants.

    Used by the scenario model as its default apprenticeship rate.
    """
    return per_million_figure(get_fact(facts, UK_APPRENTICESHIP_FACT), population, "GB")


def sweden_equivalent(rate: Derived, population: pd.DataFrame) -> Derived:
    """What a per-million rate would mean in Sweden: rate × Swedish population / 1 000 000."""
    inhabitants = population_of(population, HOME_COUNTRY)
    source_figure = rate.label_en.removesuffix(" per million inhabitants")
    source_figure_sv = rate.label_sv.removesuffix(" per miljon invånare")
    return Derived(
        label_en=t("intl_derived_sweden", "en", figure=source_figure),
        label_sv=t("intl_derived_sweden", "sv", figure=source_figure_sv),
        value=rate.value * inhabitants / MILLION,
        formula=f"{rate.value:.4g} × {_grouped(inhabitants)} / {_grouped(MILLION)}",
        inputs=(*rate.inputs, f"population:{HOME_COUNTRY}"),
        approximate=rate.approximate,
        unit=rate.unit,
    )


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def normalised_figures(
    facts: pd.DataFrame, population: pd.DataFrame, countries: list[str]
) -> list[Derived]:
    """For each count about the chosen countries: per million, then the Swedish equivalent."""
    figures = []
    for _, row in international_facts(facts, population, countries).iterrows():
        fact = fact_from_row(row)
        if not is_scalable(fact):
            continue
        rate = per_million_figure(fact, population, row["country"])
        figures += [rate, sweden_equivalent(rate, population)]
    return figures


def fact_inputs(figure: Derived, facts: pd.DataFrame) -> list[Fact]:
    """The transcribed facts a derived figure uses (population inputs left out)."""
    return [get_fact(facts, name) for name in figure.inputs if not name.startswith("population:")]


def bound_of(figure: Derived, facts: pd.DataFrame) -> str:
    """The qualifier a derived figure inherits: at_least/up_to from an open-ended input.

    Scaling by a positive population keeps the direction of a bound; a range input
    (reduced to its midpoint) or an approximate one makes the result approximate.
    """
    qualifiers = {fact.qualifier for fact in fact_inputs(figure, facts)}
    for open_ended in ("at_least", "up_to"):
        if qualifiers == {open_ended} or qualifiers == {open_ended, "exact"}:
            return open_ended
    return "approx" if qualifiers - {"exact"} else "exact"


def decimals_for(value: float) -> int:
    """Enough decimals to show a small rate: 0.045, 1.49, 15.5, 120."""
    size = abs(value)
    if size >= 100 or float(value).is_integer():
        return 0
    return 1 if size >= 10 else 2 if size >= 1 else 3


def display_bounded(value: float, qualifier: str, lang: str) -> str:
    """A derived value with its qualifier; lower bounds round down and upper bounds up."""
    decimals = decimals_for(value)
    factor = 10**decimals
    tolerance = 1e-9  # 1.1 * 100 is 110.00000000000001: do not round up a representation error
    if qualifier == "at_least":
        value = math.floor(value * factor + tolerance) / factor
    elif qualifier == "up_to":
        value = math.ceil(value * factor - tolerance) / factor
    text = format_number(value, lang, decimals)
    label = QUALIFIER_LABELS.get(qualifier)
    return f"{t(label, lang)} {text}" if label else text


def display_derived(figure: Derived, facts: pd.DataFrame, lang: str) -> str:
    return display_bounded(figure.value, bound_of(figure, facts), lang)


def key_figures_table(
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
    normalise_by: str,
) -> pd.DataFrame:
    """The report's figures about the chosen countries; per-million columns when normalising."""
    normalise = check_normalise_by(normalise_by) == "population"
    chosen = international_facts(facts, population, countries)
    names = dict(zip(population["country"], localized(population, "name", lang), strict=True))
    rows = []
    for _, row in chosen.iterrows():
        fact = fact_from_row(row)
        record = {
            t("col_country", lang): names[row["country"]],
            t("col_figure", lang): fact.label(lang),
            t("col_value", lang): fact.display(lang),
            t("col_unit", lang): unit_label(fact.unit, lang),
            t("intl_col_bound", lang): t(f"intl_bound_{fact.qualifier}", lang),
        }
        if normalise:
            record.update(_normalised_cells(fact, row["country"], facts, population, lang))
        rows.append(record)
    return pd.DataFrame(rows)


def _normalised_cells(
    fact: Fact, country: str, facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> dict[str, str]:
    per_million_col, sweden_col = (
        t("intl_col_per_million", lang),
        t("intl_col_sweden_equivalent", lang),
    )
    if not is_scalable(fact):
        return {per_million_col: "", sweden_col: ""}
    rate = per_million_figure(fact, population, country)
    equivalent = sweden_equivalent(rate, population)
    return {
        per_million_col: display_derived(rate, facts, lang),
        sweden_col: display_derived(equivalent, facts, lang),
    }


def input_sources(figure: Derived, facts: pd.DataFrame, population: pd.DataFrame, lang: str) -> str:
    """Where each input comes from: the fact's document and section, the population's
    statistics office and reference date."""
    parts = []
    for name in figure.inputs:
        if name.startswith("population:"):
            parts.append(_population_source(population, name.split(":", 1)[1], lang))
        else:
            fact = get_fact(facts, name)
            parts.append(
                f"{name}: {t('source_section', lang, source=fact.source, locator=fact.locator)}"
            )
    return "; ".join(parts)


def _population_source(population: pd.DataFrame, country: str, lang: str) -> str:
    row = population[population["country"] == country].iloc[0]
    return t(
        "intl_population_source",
        lang,
        country=country,
        organisation=row["source_organisation"],
        date=row["reference_date"],
    )


def derived_table(
    figures: list[Derived], facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """Derived figures with their bound, formula, inputs and the inputs' sources."""
    return pd.DataFrame(
        {
            t("col_figure", lang): [figure.label(lang) for figure in figures],
            t("col_value", lang): [display_derived(figure, facts, lang) for figure in figures],
            t("intl_col_bound", lang): [
                t(f"intl_bound_{bound_of(figure, facts)}", lang) for figure in figures
            ],
            t("col_formula", lang): [format_formula(figure.formula, lang) for figure in figures],
            t("col_inputs", lang): [", ".join(figure.inputs) for figure in figures],
            t("intl_col_sources", lang): [
                input_sources(figure, facts, population, lang) for figure in figures
            ],
        }
    )


def scaled_countries(
    facts: pd.DataFrame, population: pd.DataFrame, countries: list[str]
) -> list[str]:
    """The chosen countries that have at least one count to scale, in the order chosen."""
    chosen = international_facts(facts, population, countries)
    scalable = chosen[~chosen["unit"].isin(NOT_SCALABLE_UNITS)]
    return [code for code in countries if code in set(scalable["country"])]


def population_note(population: pd.DataFrame, countries: list[str], lang: str) -> str:
    """ "Population: reference/population.csv (population GB: ONS, 2021-06-30; …)".

    ``countries`` are the countries whose population a figure divides by; Sweden's row,
    used for every Swedish equivalent, is always named.
    """
    codes = [*[code for code in countries if code != HOME_COUNTRY], HOME_COUNTRY]
    sources = "; ".join(_population_source(population, code, lang) for code in codes)
    return t("intl_population_note", lang, sources=sources)


def figures_note(
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
    normalise_by: str,
) -> str:
    """Source note for the key figures (and the population table when normalising)."""
    note = source_note("facts.csv", international_facts(facts, population, countries), lang)
    if check_normalise_by(normalise_by) == "population":
        used = scaled_countries(facts, population, countries)
        note = f"{note} {population_note(population, used, lang)}" if used else note
    return note


def equivalent_chart(
    facts: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> go.Figure | None:
    """One panel per count: the figure as reported beside Sweden at the same rate.

    ``None`` when none of the chosen countries' figures is a count.
    """
    chosen = international_facts(facts, population, countries)
    pairs = [
        (fact_from_row(row), row["country"])
        for _, row in chosen.iterrows()
        if is_scalable(fact_from_row(row))
    ]
    if not pairs:
        return None
    titles = ["<br>".join(textwrap.wrap(fact.label(lang), 45)) for fact, _ in pairs]
    fig = make_subplots(rows=1, cols=len(pairs), subplot_titles=titles)
    for column, (fact, country) in enumerate(pairs, start=1):
        fig.add_trace(_equivalent_bars(fact, country, facts, population, lang), row=1, col=column)
    fig.update_layout(showlegend=False)
    base_layout(fig, t("intl_chart_equivalent_title", lang))
    fig.update_layout(margin={"t": 110})
    fig.update_annotations(font_size=12, selector={"showarrow": False})
    rows = chosen[chosen["id"].isin([fact.id for fact, _ in pairs])]
    used = scaled_countries(facts, population, countries)
    note = f"{source_note('facts.csv', rows, lang)} {population_note(population, used, lang)}"
    return add_source_note(fig, note)


def _equivalent_bars(
    fact: Fact, country: str, facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> go.Bar:
    rate = per_million_figure(fact, population, country)
    equivalent = sweden_equivalent(rate, population)
    reported_name = country_names(population, [country], lang)[0]
    return go.Bar(
        x=[t("intl_bar_reported", lang, country=reported_name), t("intl_bar_sweden", lang)],
        y=[fact.central, equivalent.value],
        text=[fact.display(lang), display_derived(equivalent, facts, lang)],
        textposition="outside",
        marker_color=[COUNTRY_COLOURS.get(country, "#7f7f7f"), SWEDEN_COLOUR],
        cliponaxis=False,
    )


# --- what Sweden lacks ------------------------------------------------------------------


def offered_swedish_kinds(course_supply: pd.DataFrame) -> pd.DataFrame:
    """The kinds of the Swedish supply that are offered (one row per kind)."""
    offered = course_supply[course_supply["status"] == "offered"]
    return offered[["kind"]].drop_duplicates().sort_values("kind", kind="stable")


def missing_kinds(
    initiatives: pd.DataFrame, course_supply: pd.DataFrame, countries: list[str]
) -> pd.DataFrame:
    """Foreign initiatives whose kind has no offered Swedish counterpart (a left anti-join)."""
    abroad = select_initiatives(initiatives, countries)
    joined = abroad.merge(
        offered_swedish_kinds(course_supply), on="kind", how="left", indicator=True
    )
    missing = joined[joined["_merge"] == "left_only"].drop(columns="_merge")
    return missing.reset_index(drop=True)


def shared_kinds(
    initiatives: pd.DataFrame, course_supply: pd.DataFrame, countries: list[str]
) -> list[str]:
    """Kinds found both abroad and in the offered Swedish supply (an inner join)."""
    abroad = select_initiatives(initiatives, countries)[["kind"]].drop_duplicates()
    both = abroad.merge(offered_swedish_kinds(course_supply), on="kind", how="inner")
    return sorted(both["kind"])


def lacks_table(
    initiatives: pd.DataFrame,
    course_supply: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> pd.DataFrame:
    """One row per missing kind: the countries and the foreign initiatives that have it."""
    missing = missing_kinds(initiatives, course_supply, countries)
    missing = missing.assign(name=localized(missing, "name", lang))
    names = dict(zip(population["country"], localized(population, "name", lang), strict=True))
    rows = []
    for kind, group in missing.groupby("kind", sort=True):
        codes = [code for code in countries if code in set(group["country"])]
        rows.append(
            {
                t("intl_col_missing_kind", lang): kind_label(kind, lang),
                t("intl_col_countries", lang): ", ".join(names[code] for code in codes),
                t("intl_col_initiatives_abroad", lang): "; ".join(
                    f"{row['name']} ({row['country']})" for _, row in group.iterrows()
                ),
            }
        )
    return pd.DataFrame(rows)


def lacks_summary(
    initiatives: pd.DataFrame,
    course_supply: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> dict[str, str]:
    """The counts and names the "what Sweden lacks" paragraph quotes."""
    abroad = select_initiatives(initiatives, countries)["kind"].nunique()
    missing = missing_kinds(initiatives, course_supply, countries)["kind"].nunique()
    shared_ids = shared_kinds(initiatives, course_supply, countries)
    shared = [kind_label(kind, lang).lower() for kind in shared_ids]
    return {
        "countries": countries_text(population, countries, lang),
        "abroad": format_number(abroad, lang),
        "missing": format_number(missing, lang),
        "shared": join_names(shared, lang) if shared else t("intl_none", lang),
    }


def lacks_note(
    initiatives: pd.DataFrame, course_supply: pd.DataFrame, lang: str, countries: list[str]
) -> str:
    """Source note naming both joined tables."""
    missing = missing_kinds(initiatives, course_supply, countries)
    offered = course_supply[course_supply["status"] == "offered"]
    abroad_note = (
        source_note("international_initiatives.csv", missing, lang) if len(missing) else ""
    )
    return f"{abroad_note} {source_note('course_supply.csv', offered, lang)}".strip()


def intro_values(
    initiatives: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> dict[str, str]:
    """The country list and initiative count the introduction quotes."""
    return {
        "countries": countries_text(population, countries, lang),
        "count": format_number(len(select_initiatives(initiatives, countries)), lang),
    }


def countries_text(population: pd.DataFrame, countries: list[str], lang: str) -> str:
    """ "United Kingdom, United States and Canada" for the chosen countries."""
    return join_names(country_names(population, countries, lang), lang)


def derived_note(
    figures: list[Derived], facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> str:
    """Source note naming the facts rows and the population rows the figures use."""
    inputs = [name for figure in figures for name in figure.inputs]
    rows = facts[facts["id"].isin(inputs)]
    used = [
        name.split(":", 1)[1] for name in dict.fromkeys(inputs) if name.startswith("population:")
    ]
    return f"{source_note('facts.csv', rows, lang)} {population_note(population, used, lang)}"
