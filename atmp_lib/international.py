"""International comparisons: the UK, US and Canadian examples the report gives, by mechanism.

A "kind" of effort here is a mechanism (work-based apprenticeships, hands-on training
centres, e-learning, master's programmes adapted to ATMP, national coordination, mapping of
needs, ...), not one initiative: ``mechanism_comparison.csv`` says, with a quote per cell,
where the report describes each mechanism as in place, in development, recommended or
absent, Sweden included. ``international_initiatives.csv`` lists the initiatives behind
them. The counts the report gives are also scaled by population, as an illustration only:
population is not the size of an ATMP sector, and a Swedish equivalent is a whole number
with the qualifier of its input ("över 15"), or not shown where it would be below one.

Calculations (``select_*``, ``presence``, ``mechanism_summary``, ``*_figure``) take and
return frames, Facts and Derived figures without a language; the views label, format,
record the numbers they state (``atmp_lib.claims``) and draw.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from atmp_lib import claims, datasets
from atmp_lib.charts import add_source_note, base_layout
from atmp_lib.facts import Derived, Fact, get_fact
from atmp_lib.formatting import QUALIFIER_LABELS, format_number, source_note, unit_label
from atmp_lib.i18n import check_lang, localized, t
from atmp_lib.population import MILLION, fact_per_million, population_of

NORMALISE_CHOICES = ("population", "none")
HOME_COUNTRY = "SE"
NOT_SCALABLE_UNITS = ("%", "year")  # shares and dates are not counts of anything per inhabitant
UK_APPRENTICESHIP_FACT = "uk_apprenticeship_places"
MECHANISMS = (
    "work_based_apprenticeships",
    "hands_on_training",
    "e_learning",
    "atmp_masters_programmes",
    "doctoral_training",
    "leadership_training",
    "healthcare_staff_education",
    "seminars_webinars",
    "national_coordination",
    "needs_mapping",
    "regional_training_model",
)
STATUSES = ("in_place", "in_development", "recommended", "none")
NOT_MENTIONED = "not_mentioned"
#: Strongest first: what a cell shows when the report says several things about it.
STATUS_ORDER = ("in_place", "in_development", "recommended", "none", NOT_MENTIONED)
ABROAD_STATUSES = ("in_place", "in_development")
STATUS_COLOURS = {
    NOT_MENTIONED: "#f0f0f0",
    "none": "#bdbdbd",
    "recommended": "#fee391",
    "in_development": "#fdae6b",
    "in_place": "#2171b5",
}
STATUS_TEXT_COLOURS = {NOT_MENTIONED: "#555555", "in_place": "#ffffff"}
SHARED_MARK = " †"
MECHANISM_FILE = "mechanism_comparison.csv"
INITIATIVE_FILE = "international_initiatives.csv"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


# === calculations (no language) ==========================================================

# --- parameters -------------------------------------------------------------------------


def known_countries() -> tuple[str, ...]:
    """The ISO codes the international_initiatives table allows (its ``countries`` enum)."""
    return datasets.allowed_values("international_initiatives", "countries")


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


def codes(cell: object) -> list[str]:
    """The country codes of a list cell ("US;CA")."""
    return datasets.split_list(cell)


def _touches(frame: pd.DataFrame, places: list[str]) -> pd.Series:
    """Rows whose ``countries`` cell names at least one of ``places``."""
    return frame["countries"].map(lambda cell: bool(set(codes(cell)) & set(places))).astype(bool)


def select_initiatives(initiatives: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """The initiatives of the chosen countries, ordered by country (as listed), mechanism, name.

    An initiative the report files under two countries ("USA och Kanada") counts for each.
    The order uses the English name, so the rows keep one order in both languages.
    """
    countries = check_countries(countries)
    rank = {code: position for position, code in enumerate(countries)}
    chosen = initiatives[_touches(initiatives, countries)]
    chosen = chosen.assign(
        _country=chosen["countries"].map(
            lambda cell: min(rank[c] for c in codes(cell) if c in rank)
        ),
        _mechanism=chosen["mechanisms"].map(lambda cell: MECHANISMS.index(codes(cell)[0])),
    )
    ordered = chosen.sort_values(["_country", "_mechanism", "name_en"], kind="stable")
    return ordered.drop(columns=["_country", "_mechanism"]).reset_index(drop=True)


# --- mechanisms ---------------------------------------------------------------------------


def presence(mechanisms: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """One row per mechanism the report describes in a chosen country, and per place.

    Places are the chosen countries, then Sweden. Columns: mechanism, place, status (the
    strongest the report states there, or ``not_mentioned``), shared (that status comes only
    from rows the report files under several countries, e.g. "USA och Kanada") and ids (the
    rows behind the cell).
    """
    countries = check_countries(countries)
    abroad = mechanisms[_touches(mechanisms, countries)]
    rows = []
    for mechanism in [m for m in MECHANISMS if m in set(abroad["mechanism"])]:
        of_mechanism = mechanisms[mechanisms["mechanism"] == mechanism]
        for place in [*countries, HOME_COUNTRY]:
            here = of_mechanism[_touches(of_mechanism, [place])]
            statuses = [s for s in STATUS_ORDER if s in set(here["status"])] or [NOT_MENTIONED]
            deciding = here[here["status"] == statuses[0]]
            shared = bool(len(deciding)) and all(len(codes(c)) > 1 for c in deciding["countries"])
            rows.append(
                {
                    "mechanism": mechanism,
                    "place": place,
                    "status": statuses[0],
                    "shared": shared,
                    "ids": list(here["id"]),
                }
            )
    return pd.DataFrame(rows, columns=["mechanism", "place", "status", "shared", "ids"])


@dataclass(frozen=True)
class MechanismSummary:
    """The mechanisms found abroad (in place or in development) and Sweden's state for each."""

    abroad: list[str]
    in_sweden: dict[str, list[str]]  # Sweden's status -> mechanisms, in MECHANISMS order


def mechanism_summary(mechanisms: pd.DataFrame, countries: list[str]) -> MechanismSummary:
    """The mechanisms in place or being developed abroad, grouped by Sweden's status."""
    grid = presence(mechanisms, countries)
    abroad_rows = grid[(grid["place"] != HOME_COUNTRY) & grid["status"].isin(ABROAD_STATUSES)]
    abroad = [m for m in MECHANISMS if m in set(abroad_rows["mechanism"])]
    sweden = grid[(grid["place"] == HOME_COUNTRY) & grid["mechanism"].isin(abroad)]
    status_of = dict(zip(sweden["mechanism"], sweden["status"], strict=True))
    in_sweden = {status: [m for m in abroad if status_of[m] == status] for status in STATUS_ORDER}
    return MechanismSummary(abroad=abroad, in_sweden=in_sweden)


# --- the figures and their normalisation ------------------------------------------------


def initiative_facts(
    initiatives: pd.DataFrame, facts: pd.DataFrame, countries: list[str]
) -> list[tuple[Fact, list[str]]]:
    """The figures the report gives for the chosen countries' initiatives, with their countries.

    Scale first, then a share, initiative by initiative; a fact named twice is listed once.
    """
    seen, found = set(), []
    for _, row in select_initiatives(initiatives, countries).iterrows():
        for column in ("scale_fact_id", "share_fact_id"):
            fact_id = row[column]
            if pd.isna(fact_id) or fact_id in seen:
                continue
            seen.add(fact_id)
            found.append((get_fact(facts, fact_id), codes(row["countries"])))
    return found


def is_scalable(fact: Fact, places: list[str]) -> bool:
    """True when the figure is a count of one named country that can be put per inhabitant."""
    return fact.unit not in NOT_SCALABLE_UNITS and len(places) == 1


def per_million_figure(fact: Fact, population: pd.DataFrame, country: str) -> Derived:
    """A count per million inhabitants of its country (see ``population.fact_per_million``)."""
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
    initiatives: pd.DataFrame, facts: pd.DataFrame, population: pd.DataFrame, countries: list[str]
) -> list[tuple[Derived, Derived]]:
    """For each count of one chosen country: (per million inhabitants, Sweden at that rate)."""
    pairs = []
    for fact, places in initiative_facts(initiatives, facts, countries):
        if is_scalable(fact, places):
            rate = per_million_figure(fact, population, places[0])
            pairs.append((rate, sweden_equivalent(rate, population)))
    return pairs


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


def rounded_outward(value: float, qualifier: str, decimals: int) -> float:
    """Round a value to ``decimals``; lower bounds down and upper bounds up, so they stay true."""
    factor = 10**decimals
    tolerance = 1e-9  # 1.1 * 100 is 110.00000000000001: do not round up a representation error
    if qualifier == "at_least":
        return math.floor(value * factor + tolerance) / factor
    if qualifier == "up_to":
        return math.ceil(value * factor - tolerance) / factor
    return round(value, decimals)


def shown_qualifier(figure: Derived, facts: pd.DataFrame) -> str:
    """The qualifier a rounded derived figure is shown with: a bound keeps its direction;
    anything else is "about", since the shown value is rounded (and a population is not
    the size of a sector)."""
    bound = bound_of(figure, facts)
    return bound if bound in ("at_least", "up_to") else "approx"


def whole_equivalent(figure: Derived, facts: pd.DataFrame) -> tuple[int, str] | None:
    """A Swedish equivalent in whole units with its qualifier, or None when below one."""
    qualifier = shown_qualifier(figure, facts)
    whole = int(rounded_outward(figure.value, qualifier, 0))
    return None if whole < 1 else (whole, qualifier)


# === views (language, format, claims, charts) ============================================


def country_names(population: pd.DataFrame, countries: list[str], lang: str) -> list[str]:
    """The countries' names in the language, from the population table."""
    names = dict(zip(population["country"], localized(population, "name", lang), strict=True))
    return [names[code] for code in countries]


def join_names(names: list[str], lang: str, word: str = "intl_and") -> str:
    """ "A, B and C" (or "A or B" with ``word="intl_or"``) in the language."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t(word, lang)} {names[-1]}"


def countries_text(population: pd.DataFrame, countries: list[str], lang: str) -> str:
    """ "United Kingdom, United States and Canada" for the chosen countries."""
    return join_names(country_names(population, countries, lang), lang)


def place_text(population: pd.DataFrame, places: list[str], lang: str) -> str:
    """One country's name, or "United States or Canada (the report does not say which)"."""
    names = country_names(population, places, lang)
    if len(names) == 1:
        return names[0]
    return t("intl_place_unspecified", lang, countries=join_names(names, lang, "intl_or"))


def mechanism_label(mechanism: str, lang: str) -> str:
    return t(f"intl_mechanism_{mechanism}", lang)


def status_label(status: str, lang: str) -> str:
    return t(f"intl_status_{status}", lang)


def audience_text(cell: object, lang: str) -> str:
    """ "students, industry" from a list-valued audience cell."""
    return ", ".join(t(f"intl_audience_{item}", lang) for item in datasets.split_list(cell))


def intro_values(
    initiatives: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> dict[str, str]:
    """The country list and the number of initiatives the introduction quotes."""
    chosen = select_initiatives(initiatives, countries)
    basis = f"count:international_initiatives:countries∋{'|'.join(countries)}"
    return {
        "countries": countries_text(population, countries, lang),
        "count": claims.number(len(chosen), lang, basis),
    }


# --- the mechanism comparison ----------------------------------------------------------------


def _mechanism_list(ids: list[str], lang: str) -> str:
    labels = [mechanism_label(m, lang) for m in ids]
    return "; ".join(label[:1].lower() + label[1:] for label in labels)


def mechanism_text(
    mechanisms: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> str:
    """Markdown: how many mechanisms abroad, then Sweden's state for them, each count recorded."""
    summary = mechanism_summary(mechanisms, countries)
    scope = f"mechanism in {'|'.join(countries)} with status in_place|in_development"
    abroad = claims.number(len(summary.abroad), lang, f"count:{MECHANISM_FILE}:{scope}")
    lines = [
        t(
            "intl_mechanisms_headline",
            lang,
            abroad=abroad,
            countries=countries_text(population, countries, lang),
        )
    ]
    for status in STATUS_ORDER:
        ids = summary.in_sweden[status]
        if not ids:
            continue
        basis = f"count:{MECHANISM_FILE}:{scope}; Sweden {status}"
        count = claims.number(len(ids), lang, basis)
        items = _mechanism_list(ids, lang)
        lines.append(f"- {t(f'intl_sweden_{status}', lang, count=count, items=items)}")
    return "\n".join(lines)


def _cell_notes(mechanisms: pd.DataFrame, ids: list[str], lang: str) -> list[str]:
    rows = mechanisms.set_index("id").loc[ids]
    return [
        f"{status_label(status, lang)}: {note}"
        for status, note in zip(rows["status"], localized(rows, "note", lang), strict=True)
    ]


def _mechanism_order(grid: pd.DataFrame) -> list[str]:
    """Mechanisms with Sweden's weakest state first (the gaps on top), then schema order."""
    sweden = grid[grid["place"] == HOME_COUNTRY].set_index("mechanism")["status"]
    return sorted(sweden.index, key=lambda m: (-STATUS_ORDER.index(sweden[m]), MECHANISMS.index(m)))


def mechanism_chart(
    mechanisms: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> go.Figure:
    """A mechanism-by-country grid coloured by what the report says; hover gives its words."""
    grid = presence(mechanisms, countries)
    order = _mechanism_order(grid)
    places = [*countries, HOME_COUNTRY]
    rank = {status: len(STATUS_ORDER) - 1 - i for i, status in enumerate(STATUS_ORDER)}
    cell = {(r.mechanism, r.place): r for r in grid.itertuples()}
    z, text, hover = [], [], []
    for mechanism in order:
        rows = [cell[(mechanism, place)] for place in places]
        z.append([rank[r.status] for r in rows])
        text.append(
            [status_label(r.status, lang) + (SHARED_MARK if r.shared else "") for r in rows]
        )
        hover.append(
            [
                "<br>".join(
                    _wrap_lines(
                        [mechanism_label(mechanism, lang)] + _cell_notes(mechanisms, r.ids, lang)
                    )
                )
                or status_label(r.status, lang)
                for r in rows
            ]
        )
    size = len(STATUS_ORDER)
    scale = []
    for status in reversed(STATUS_ORDER):
        index = rank[status]
        scale += [
            [index / size, STATUS_COLOURS[status]],
            [(index + 1) / size, STATUS_COLOURS[status]],
        ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=country_names(population, places, lang),
            y=[mechanism_label(m, lang) for m in order],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            zmin=-0.5,
            zmax=size - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=3,
            ygap=3,
        )
    )
    base_layout(fig, t("intl_chart_mechanisms_title", lang))
    fig.update_xaxes(side="top")
    fig.update_yaxes(autorange="reversed", tickfont={"size": 12})
    fig.update_layout(height=120 + 42 * len(order), margin={"t": 110, "l": 20})
    note = mechanism_note(mechanisms, lang, countries)
    if grid["shared"].any():
        note = f"{SHARED_MARK.strip()} {t('intl_shared_note', lang)} {note}"
    return add_source_note(fig, note, width=150)


def _wrap_lines(lines: list[str], width: int = 70) -> list[str]:
    return ["<br>".join(textwrap.wrap(line, width)) for line in lines]


def _shown_mechanism_rows(mechanisms: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """The rows behind the grid: mechanisms found in a chosen country, there and in Sweden."""
    grid = presence(mechanisms, countries)
    ids = [row_id for ids in grid["ids"] for row_id in ids]
    rows = mechanisms[mechanisms["id"].isin(ids)]
    places = [*countries, HOME_COUNTRY]
    rows = rows.assign(
        _mechanism=rows["mechanism"].map(MECHANISMS.index),
        _place=rows["countries"].map(
            lambda cell: min(places.index(c) for c in codes(cell) if c in places)
        ),
        _status=rows["status"].map(STATUS_ORDER.index),
    )
    ordered = rows.sort_values(["_mechanism", "_place", "_status"], kind="stable")
    return ordered.drop(columns=["_mechanism", "_place", "_status"]).reset_index(drop=True)


def mechanism_table(
    mechanisms: pd.DataFrame, population: pd.DataFrame, lang: str, countries: list[str]
) -> pd.DataFrame:
    """Every cell of the grid that the report speaks to: where, what state, its words."""
    rows = _shown_mechanism_rows(mechanisms, countries)
    return pd.DataFrame(
        {
            t("intl_col_mechanism", lang): rows["mechanism"].map(
                lambda m: mechanism_label(m, lang)
            ),
            t("intl_col_where", lang): rows["countries"].map(
                lambda cell: place_text(population, [c for c in codes(cell)], lang)
            ),
            t("col_status", lang): rows["status"].map(lambda s: status_label(s, lang)),
            t("intl_col_report_says", lang): localized(rows, "note", lang),
            t("col_quote", lang): rows["quote"],
        }
    )


def mechanism_note(mechanisms: pd.DataFrame, lang: str, countries: list[str]) -> str:
    """Source note naming the sections the shown rows quote."""
    return source_note(MECHANISM_FILE, _shown_mechanism_rows(mechanisms, countries), lang)


# --- the initiatives table ------------------------------------------------------------------


def fact_text(fact: Fact, lang: str) -> str:
    """A fact with its qualifier and unit: "over 100 apprenticeship places", "up to 40%"."""
    text = fact.display(lang)
    return text if fact.unit == "%" else f"{text} {unit_label(fact.unit, lang)}"


def description_text(row: pd.Series, facts: pd.DataFrame, lang: str) -> str:
    """The description with each {fact_id} filled in as the fact displays (and recorded)."""
    text = row[f"description_{lang}"]
    return PLACEHOLDER.sub(lambda match: get_fact(facts, match.group(1)).display(lang), text)


def _start_year(row: pd.Series) -> str:
    if pd.isna(row["start_year"]):
        return ""
    year = int(row["start_year"])
    return claims.record(str(year), year, f"data:{INITIATIVE_FILE}:{row['id']}:start_year")


def initiatives_table(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
) -> pd.DataFrame:
    """The chosen countries' initiatives in one comparable structure, one row each."""
    chosen = select_initiatives(initiatives, countries)
    rows = [
        {
            t("col_country", lang): place_text(population, codes(row["countries"]), lang),
            t("intl_col_initiative", lang): row[f"name_{lang}"],
            t("intl_col_mechanisms", lang): ", ".join(
                mechanism_label(m, lang) for m in codes(row["mechanisms"])
            ),
            t("col_audience", lang): audience_text(row["audience"], lang),
            t("col_start_year", lang): _start_year(row),
            t("intl_col_lead_organisations", lang): _text(row["lead_organisations"]),
            t("intl_col_scale", lang): (
                ""
                if pd.isna(row["scale_fact_id"])
                else fact_text(get_fact(facts, row["scale_fact_id"]), lang)
            ),
            t("col_description", lang): description_text(row, facts, lang),
        }
        for _, row in chosen.iterrows()
    ]
    return pd.DataFrame(rows)


def _text(cell: object) -> str:
    return "" if pd.isna(cell) else str(cell)


def initiatives_note(initiatives: pd.DataFrame, lang: str, countries: list[str]) -> str:
    """Source note for the rows of the chosen countries."""
    return source_note(INITIATIVE_FILE, select_initiatives(initiatives, countries), lang)


# --- key figures, per million and Swedish equivalents -------------------------------------------


def _bounded_text(value: float, qualifier: str, decimals: int, lang: str) -> str:
    text = format_number(rounded_outward(value, qualifier, decimals), lang, decimals)
    label = QUALIFIER_LABELS.get(qualifier)
    return f"{t(label, lang)} {text}" if label else text


def display_rate(figure: Derived, facts: pd.DataFrame, lang: str) -> str:
    """A per-million rate with the qualifier of its input, recorded with its formula."""
    qualifier = shown_qualifier(figure, facts)
    text = _bounded_text(figure.value, qualifier, decimals_for(figure.value), lang)
    return claims.record(text, figure.value, f"derived:{figure.formula}")


def display_equivalent(figure: Derived, facts: pd.DataFrame, lang: str) -> str:
    """A Swedish equivalent in whole units ("över 15", "ca 3"), or a note that it is below one."""
    whole = whole_equivalent(figure, facts)
    if whole is None:
        return t("intl_below_one", lang)
    value, qualifier = whole
    text = _bounded_text(value, qualifier, 0, lang)
    return claims.record(text, figure.value, f"derived:{figure.formula}")


def key_figures_table(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
    normalise_by: str,
) -> pd.DataFrame:
    """The report's figures about the chosen countries; per-million columns when normalising."""
    normalise = check_normalise_by(normalise_by) == "population"
    rows = []
    for fact, places in initiative_facts(initiatives, facts, countries):
        record = {
            t("col_country", lang): place_text(population, places, lang),
            t("col_figure", lang): fact.label(lang),
            t("col_value", lang): fact.display(lang),
            t("col_unit", lang): unit_label(fact.unit, lang),
            t("intl_col_bound", lang): t(f"intl_bound_{fact.qualifier}", lang),
        }
        if normalise:
            record.update(_normalised_cells(fact, places, facts, population, lang))
        rows.append(record)
    return pd.DataFrame(rows)


def _normalised_cells(
    fact: Fact, places: list[str], facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> dict[str, str]:
    per_million_col = t("intl_col_per_million", lang)
    sweden_col = t("intl_col_sweden_equivalent", lang)
    if not is_scalable(fact, places):
        return {per_million_col: "", sweden_col: ""}
    rate = per_million_figure(fact, population, places[0])
    return {
        per_million_col: display_rate(rate, facts, lang),
        sweden_col: display_equivalent(sweden_equivalent(rate, population), facts, lang),
    }


def _agency(row: pd.Series, lang: str) -> str:
    """The statistics agency in the page's language where the table names it so."""
    column = f"agency_{lang}"
    return (
        str(row[column])
        if column in row.index and not pd.isna(row[column])
        else str(row["source_organisation"])
    )


def _population_source(population: pd.DataFrame, country: str, lang: str) -> str:
    row = population[population["country"] == country].iloc[0]
    date = claims.record(
        str(row["reference_date"]), float(str(row["reference_date"])[:4]), f"population:{country}"
    )
    return t(
        "intl_population_source",
        lang,
        country=country_names(population, [country], lang)[0],
        organisation=_agency(row, lang),
        date=date,
    )


def rate_formula(rate: Derived, facts: pd.DataFrame, population: pd.DataFrame, lang: str) -> str:
    """ "100 × 1 000 000 / 67 026 292" the page language's way, each number recorded."""
    fact = fact_inputs(rate, facts)[0]
    country = rate.inputs[-1].split(":", 1)[1]
    value = claims.number(fact.central, lang, f"fact:{fact.id}")
    million = claims.number(MILLION, lang, "derived:one million (per million inhabitants)")
    people = claims.number(population_of(population, country), lang, f"population:{country}")
    return f"{value} × {million} / {people}"


def equivalent_formula(rate: Derived, population: pd.DataFrame, lang: str) -> str:
    """ "1.492 × 10 452 326 / 1 000 000" the page language's way, each number recorded."""
    shown_rate = claims.number(rate.value, lang, f"derived:{rate.formula}", decimals=3)
    sweden = population_of(population, HOME_COUNTRY)
    people = claims.number(sweden, lang, f"population:{HOME_COUNTRY}")
    million = claims.number(MILLION, lang, "derived:one million (per million inhabitants)")
    return f"{shown_rate} × {people} / {million}"


def input_sources(figure: Derived, facts: pd.DataFrame, population: pd.DataFrame, lang: str) -> str:
    """Where each input comes from: the fact's document and section, the population's
    statistics agency and reference date."""
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


def _derived_row(
    figure: Derived,
    shown: str,
    qualifier: str | None,
    formula: str,
    context: tuple[pd.DataFrame, pd.DataFrame, str],
) -> dict[str, str]:
    facts, population, lang = context
    return {
        t("col_figure", lang): figure.label(lang),
        t("col_value", lang): shown,
        t("intl_col_bound", lang): "" if qualifier is None else t(f"intl_bound_{qualifier}", lang),
        t("col_formula", lang): formula,
        t("col_inputs", lang): ", ".join(figure.inputs),
        t("intl_col_sources", lang): input_sources(figure, facts, population, lang),
    }


def derived_table(
    pairs: list[tuple[Derived, Derived]], facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """Each rate and its Swedish equivalent, with bound, formula, inputs and their sources."""
    rows = []
    for rate, equivalent in pairs:
        rows.append(
            _derived_row(
                rate,
                display_rate(rate, facts, lang),
                shown_qualifier(rate, facts),
                rate_formula(rate, facts, population, lang),
                (facts, population, lang),
            )
        )
        whole = whole_equivalent(equivalent, facts)
        rows.append(
            _derived_row(
                equivalent,
                display_equivalent(equivalent, facts, lang),
                None if whole is None else whole[1],
                equivalent_formula(rate, population, lang),
                (facts, population, lang),
            )
        )
    return pd.DataFrame(rows)


def population_note(population: pd.DataFrame, countries: list[str], lang: str) -> str:
    """ "Population: reference/population.csv (population United Kingdom: ONS, 2021-06-30; …)".

    ``countries`` are the countries whose population a figure divides by; Sweden's row,
    used for every Swedish equivalent, is always named.
    """
    places = [*[code for code in countries if code != HOME_COUNTRY], HOME_COUNTRY]
    sources = "; ".join(_population_source(population, code, lang) for code in places)
    return t("intl_population_note", lang, sources=sources)


def scaled_countries(
    initiatives: pd.DataFrame, facts: pd.DataFrame, countries: list[str]
) -> list[str]:
    """The chosen countries that have at least one count to scale, in the order chosen."""
    found = {
        places[0]
        for fact, places in initiative_facts(initiatives, facts, countries)
        if is_scalable(fact, places)
    }
    return [code for code in countries if code in found]


def figures_note(
    initiatives: pd.DataFrame,
    facts: pd.DataFrame,
    population: pd.DataFrame,
    lang: str,
    countries: list[str],
    normalise_by: str,
) -> str:
    """Source note for the key figures (and the population table when normalising)."""
    ids = [fact.id for fact, _ in initiative_facts(initiatives, facts, countries)]
    note = source_note("facts.csv", facts[facts["id"].isin(ids)], lang)
    if check_normalise_by(normalise_by) == "population":
        used = scaled_countries(initiatives, facts, countries)
        note = f"{note} {population_note(population, used, lang)}" if used else note
    return note


def derived_note(
    pairs: list[tuple[Derived, Derived]], facts: pd.DataFrame, population: pd.DataFrame, lang: str
) -> str:
    """Source note naming the facts rows and the population rows the figures use."""
    inputs = [name for pair in pairs for figure in pair for name in figure.inputs]
    rows = facts[facts["id"].isin(inputs)]
    used = [
        name.split(":", 1)[1] for name in dict.fromkeys(inputs) if name.startswith("population:")
    ]
    return f"{source_note('facts.csv', rows, lang)} {population_note(population, used, lang)}"
