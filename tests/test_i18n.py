"""Every label exists in English and Swedish, and lookups fail loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atmp_lib import i18n
from atmp_lib.errors import LabelError
from atmp_lib.i18n import t

LIBRARY = Path(i18n.__file__).resolve().parent
NOTEBOOKS = LIBRARY.parent / "notebooks"


def test_label_files_have_no_duplicates_and_both_languages() -> None:
    assert i18n.label_problems() == []


def test_missing_translation_and_duplicate_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,en,sv\nhello,Hello,\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,en,sv\nhello,Hi,Hej\n", encoding="utf-8")
    problems = i18n.label_problems(tmp_path)
    assert "a.csv, line 2: label 'hello' has no sv text" in problems
    assert "b.csv, line 2: duplicate label id 'hello' (also a.csv, line 2)" in problems


def test_t_fills_placeholders_in_both_languages() -> None:
    assert t("source_note", "en", table="x.csv", sources="s") == "Source: x.csv (s)"
    assert t("source_note", "sv", table="x.csv", sources="s") == "Källa: x.csv (s)"


def test_unknown_label_and_language_are_rejected() -> None:
    with pytest.raises(LabelError, match="unknown label id 'nope'"):
        t("nope", "en")
    with pytest.raises(ValueError, match="parameter 'lang': 'de' is not one of en, sv"):
        t("col_value", "de")


def _label_ids_used_in_code() -> set[str]:
    """Label ids passed literally to t(...), page.heading(...) or page.text(...)."""
    pattern = re.compile(r"""\b(?:t|heading|text)\(\s*(?:\d,\s*)?["']([a-z][a-z0-9_]*)["']""")
    sources = [*LIBRARY.glob("*.py"), *NOTEBOOKS.glob("*.ipynb")]
    return {match for path in sources for match in pattern.findall(path.read_text("utf-8"))}


def test_every_literal_label_id_in_code_and_notebooks_exists() -> None:
    known = {row["id"] for row in i18n.label_rows()}
    assert _label_ids_used_in_code() - known == set()


def test_verdict_is_quoted_in_swedish_and_translated_only_on_english_pages() -> None:
    from atmp_lib import datasets, page

    verdicts = datasets.load("verdicts")
    english = page.verdict_html(verdicts, "supply_very_limited", "en")
    swedish = page.verdict_html(verdicts, "supply_very_limited", "sv")
    assert 'lang="sv">”Det utbud som idag' in english
    assert "Translation: What is available" in english
    assert "Translation" not in swedish and "Översättning" not in swedish
    assert "mycket begränsat och fragmenterat" in swedish


def test_charts_use_the_page_language_number_format() -> None:
    import plotly.graph_objects as go

    from atmp_lib.charts import localize

    assert localize(go.Figure(), "sv").layout.separators == ",\u202f"
    assert localize(go.Figure(), "en").layout.separators == ".,"


def test_values_in_page_text_cannot_carry_markup(monkeypatch) -> None:
    from atmp_lib import page

    shown = []
    monkeypatch.setattr(page, "_show", lambda content: shown.append(content.data))
    page.text("verdict_translation", "en", text="<img src=x onerror=alert(1)> & more")
    page.heading(2, "verdict_translation", "en", text="<script>alert(1)</script>")
    assert shown == [
        "Translation: &lt;img src=x onerror=alert(1)&gt; &amp; more",
        "## Translation: &lt;script&gt;alert(1)&lt;/script&gt;",
    ]
