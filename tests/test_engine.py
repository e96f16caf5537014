"""The report engine's planning, cache, reuse and pruning (on the tiny fixture project)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from atmp_lib import params
from atmp_lib.engine import cli, planning, prune
from atmp_lib.engine.cache import ResultCache
from atmp_lib.params import ParamsFile

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(target: Path) -> Path:
    root = target / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def sections(root: Path) -> list[params.Section]:
    found, problems = params.load_sections(root / "notebooks", root)
    assert problems == []
    return found


def params_file(root: Path, name: str, values: dict) -> ParamsFile:
    return ParamsFile(root / "params" / f"{name}.yaml", f"params/{name}.yaml", values)


def run(root: Path, out: Path, *args: str) -> tuple[int, dict, str]:
    """``atmp-report run`` in this process; the exit code, the manifest and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["--root", str(root), "run", "--no-progress", "--output-dir", str(out),
                         *args])  # fmt: skip
    run_dir = max(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    return code, json.loads((run_dir / "manifest.json").read_text()), stderr.getvalue()


def sources(manifest: dict) -> list[tuple[str, str, str]]:
    return [(g["key"], s["section"], s["source"]) for g in manifest["runs"] for s in g["sections"]]


# --------------------------------------------------------------------------- planning


def test_a_file_a_section_does_not_read_does_not_multiply_it(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    files = [
        params_file(root, "default", {}),
        params_file(root, "beta_only", {"seed": 3}),
        params_file(root, "same_as_default", {"growth_share": 50.0, "seed": 0}),
    ]
    groups = planning.plan_groups(files, sections(root), "both")
    plan = planning.plan(groups, "fingerprint")
    assert len(groups) == 6
    # alpha once per language; beta once per language for defaults and once for seed 3
    assert sorted((e.section.name, e.lang, e.home) for e in plan.executions) == [
        ("01_alpha", "en", "default/en"), ("01_alpha", "sv", "default/sv"),
        ("02_beta", "en", "beta_only/en"), ("02_beta", "en", "default/en"),
        ("02_beta", "sv", "beta_only/sv"), ("02_beta", "sv", "default/sv"),
    ]  # fmt: skip
    alpha = sections(root)[0]
    assert plan.execution(groups[2], alpha).home == "default/en"


def test_the_cache_key_changes_with_each_input(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    alpha = sections(root)[0]
    base = planning.execution_key("f", alpha, "en", {"countries": ["GB"]})
    assert base == planning.execution_key("f", alpha, "en", {"countries": ["GB"]})
    assert base != planning.execution_key("g", alpha, "en", {"countries": ["GB"]})
    assert base != planning.execution_key("f", alpha, "sv", {"countries": ["GB"]})
    assert base != planning.execution_key("f", alpha, "en", {"countries": ["US"]})
    alpha.path.write_text(alpha.path.read_text().replace("Countries", "Länder"))
    assert base != planning.execution_key("f", alpha, "en", {"countries": ["GB"]})


def test_the_fingerprint_follows_data_parameter_files_and_library(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    project = cli.find_project(root)
    before = planning.fingerprint(project)
    assert planning.fingerprint(project) == before
    (root / "data" / "sample.csv").write_text("changed\n")
    after_data = planning.fingerprint(project)
    (root / "params" / "new.yaml").write_text("seed: 1\n")
    assert len({before, after_data, planning.fingerprint(project)}) == 3


# --------------------------------------------------------------------------- reuse


@pytest.mark.slow
def test_unchanged_rerun_reuses_results_and_force_or_a_change_executes(tmp_path: Path) -> None:
    root, out = copy_project(tmp_path), tmp_path / "out"
    code, first, _ = run(root, out)
    assert code == 0 and first["executions"] == {"planned": 2, "executed": 2, "reused": 0}
    code, second, _ = run(root, out)
    assert code == 0 and second["executions"] == {"planned": 2, "executed": 0, "reused": 2}
    assert [s["reused_from"] for g in second["runs"] for s in g["sections"]] == [
        first["run_id"]
    ] * 2
    run_dir = out / second["run_id"]
    page = (run_dir / "default" / "en" / "02_beta.html").read_text()
    assert second["run_id"] in page  # the footer names the run that published the page
    assert 'rel="prev">' in page and (run_dir / "default" / "en" / "01_alpha.ipynb").is_file()

    beta = root / "notebooks" / "02_beta.ipynb"
    beta.write_text(beta.read_text().replace('"note = \\"plain\\"', '"note = \\"changed\\"'))
    code, third, _ = run(root, out)
    assert code == 0
    assert sources(third) == [("default/en", "01_alpha", "reused"),
                              ("default/en", "02_beta", "executed")]  # fmt: skip
    code, forced, _ = run(root, out, "--force")
    assert code == 0 and forced["executions"]["executed"] == 2
    code, fresh, _ = run(root, tmp_path / "elsewhere")
    assert code == 0 and fresh["executions"]["executed"] == 2


@pytest.mark.slow
def test_pages_share_one_plotly_file_unless_self_contained(tmp_path: Path) -> None:
    root, out = copy_project(tmp_path), tmp_path / "out"
    _, shared, _ = run(root, out, "alpha")
    run_dir = out / shared["run_id"]
    page = (run_dir / "default" / "en" / "01_alpha.html").read_text()
    assert 'src="../../assets/plotly.min.js"' in page
    assert (run_dir / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    assert len(page) < 1_000_000
    _, single, _ = run(root, out, "alpha", "--self-contained")
    run_dir = out / single["run_id"]
    assert not (run_dir / "assets").exists()
    page = (run_dir / "default" / "en" / "01_alpha.html").read_text()
    assert page.count("* plotly.js v") == 1 and "assets/plotly" not in page


# --------------------------------------------------------------------------- prune


def fake_run(out: Path, run_id: str, keys: list[str], status: str = "succeeded") -> None:
    folder = out / run_id
    folder.mkdir(parents=True)
    sections = [{"section": "s", "cache_key": key} for key in keys]
    record = {"run_id": run_id, "status": status, "runs": [{"sections": sections}]}
    (folder / "manifest.json").write_text(json.dumps(record))
    for key in keys:
        (out / ".cache" / key).mkdir(parents=True, exist_ok=True)


RUNS = [f"2026110{day}T000000.000Z-00000{day}" for day in range(1, 6)]


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    for day, run_id in enumerate(RUNS, start=1):
        fake_run(out, run_id, [f"key{day}", "shared"])
    os.symlink(RUNS[1], out / "latest")
    return out


def test_prune_keeps_the_newest_and_the_latest_one(runs: Path) -> None:
    result = prune.prune(runs, keep=2)
    assert result.removed == [RUNS[0], RUNS[2]]
    assert prune.run_ids(runs) == [RUNS[1], RUNS[3], RUNS[4]]
    assert sorted(ResultCache(runs).keys()) == ["key2", "key4", "key5", "shared"]
    assert os.readlink(runs / "latest") == RUNS[1]


def test_prune_by_date_and_dry_run(runs: Path) -> None:
    since = datetime(2026, 11, 4, tzinfo=UTC)
    assert prune.prune(runs, since=since, dry_run=True).removed == [RUNS[0], RUNS[2]]
    assert prune.run_ids(runs) == RUNS
    prune.prune(runs, since=since)
    assert prune.run_ids(runs) == [RUNS[1], RUNS[3], RUNS[4]]


def test_prune_leaves_a_run_in_progress(runs: Path) -> None:
    fake_run(runs, "20261030T000000.000Z-00000a", ["k"], status="running")
    assert "20261030T000000.000Z-00000a" not in prune.prune(runs, keep=1).removed


def test_prune_command_needs_a_rule(runs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(runs.parent)
    assert cli.main(["--root", str(root), "prune", "--output-dir", str(runs)]) == 2
    assert "give --keep N, --since YYYY-MM-DD or both" in capsys.readouterr().err
    assert cli.main(["--root", str(root), "prune", "--keep", "4", "--output-dir", str(runs)]) == 0
    assert "removed 1 runs" in capsys.readouterr().out


# --------------------------------------------------------------------------- downloads


@pytest.mark.slow
@pytest.mark.browser
def test_a_run_offers_the_data_of_every_table_and_chart_and_a_pdf_per_language(
    tmp_path: Path,
) -> None:
    import openpyxl  # noqa: F401  (the workbook's engine)
    import pandas as pd
    from pypdf import PdfReader

    root, out = copy_project(tmp_path), tmp_path / "out"
    code, record, err = run(root, out, "--lang", "both", "--pdf")
    assert code == 0, err
    run_dir = out / record["run_id"]
    page = (run_dir / "default" / "en" / "01_alpha.html").read_text()
    links = re.findall(r'href="(01_alpha/[^"]+\.csv)"', page)
    assert links and all((run_dir / "default" / "en" / link).is_file() for link in links)
    assert '<p class="atmp-chart-description">Bar chart: Alpha bars.' in page
    assert 'aria-describedby="' in page and "<figcaption" in page
    assert 'href="../sv/01_alpha.html" hreflang="sv" lang="sv">Svenska</a>' in page
    workbook = pd.read_excel(run_dir / "report-data.xlsx", sheet_name=None)
    csv_count = len(list((run_dir / "default").glob("*/*/*.csv")))
    assert len(workbook) == csv_count + 1 and "sources" in workbook
    assert (run_dir / "data-package" / "datapackage.json").is_file()
    for lang in ("en", "sv"):
        text = "".join(p.extract_text() for p in PdfReader(run_dir / f"report-{lang}.pdf").pages)
        assert "Countries" in text or "Länder" in text  # a chart's axis, drawn before printing


def test_chart_data_columns_are_named_by_the_axes() -> None:
    from atmp_lib.engine.downloads import chart_data

    bars = {"data": [{"type": "bar", "orientation": "h", "name": "P50", "x": [3], "y": ["UK"],
                      "error_x": {"array": [1], "arrayminus": [2]}}],
            "layout": {"xaxis": {"title": {"text": "People"}},
                       "yaxis": {"title": "Country"}}}  # fmt: skip
    header, rows = chart_data(bars, "en")
    assert header[:3] == ["Series", "Country", "People"]
    assert rows == [["P50", "UK", 3, 1.0, 4.0, None]]
    heat = {"data": [{"type": "heatmap", "z": [[1, 2]], "x": ["a", "b"], "y": ["r"],
                      "colorbar": {"title": {"text": "Courses"}}}], "layout": {}}  # fmt: skip
    header, rows = chart_data(heat, "sv")
    assert header == ["Serie", "Kolumn", "Rad", "Courses"]
    assert rows == [["1", "a", "r", 1], ["1", "b", "r", 2]]


def test_a_heat_map_is_described_as_a_grid_of_rows_by_columns() -> None:
    from atmp_lib.engine.downloads import describe

    heat = {"data": [{"type": "heatmap", "name": "Status", "z": [[1, 2, 3], [4, 5, 6]],
                      "x": ["UK", "US", "Sweden"], "y": ["Hands-on", "E-learning"]}],
            "layout": {"title": {"text": "Mechanisms"}}}  # fmt: skip
    assert describe(heat, "en") == (
        "Heat map: Mechanisms. The chart is a grid of two rows (“Hands-on”; “E-learning”) by "
        "three columns (“UK”; “US”; “Sweden”); the cells show: status."
    )
    assert "rutnät med två rader" in describe(heat, "sv")
    bars = {"data": [{"type": "bar", "name": "P50", "x": ["a", "b"], "y": [1, 2]}], "layout": {}}
    assert "over two categories" in describe(bars, "en")


def test_chart_data_gives_a_band_and_a_range_by_their_ends() -> None:
    from atmp_lib.charts import RANGE_META
    from atmp_lib.engine.downloads import chart_data

    band = {"type": "scatter", "fill": "toself", "name": "P10–P90",
            "x": [2022, 2023, 2023, 2022], "y": [98, 99, 85, 86]}  # fmt: skip
    stated = {"type": "bar", "name": "Stated", "x": ["CCRM"], "y": [50], "hovertext": ["50–100"]}
    span = {"type": "bar", "name": "Range", "x": ["CCRM"], "y": [50], "base": [50],
            "meta": RANGE_META, "hovertext": ["50–100"]}  # fmt: skip
    _, rows = chart_data({"data": [band, stated, span], "layout": {}}, "en")
    assert rows == [
        ["P10–P90", 2022, None, 86, 98, None],
        ["P10–P90", 2023, None, 85, 99, None],
        ["Stated", "CCRM", 50, None, None, "50–100"],
        ["Range", "CCRM", None, 50, 100.0, "50–100"],
    ]


def test_pdfs_need_chromium_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "CHROMIUM", tmp_path / "no-chromium")
    root = copy_project(tmp_path)
    code = cli.main(["--root", str(root), "run", "--pdf", "--output-dir", str(tmp_path / "o")])
    assert code == 2
    assert "--pdf needs Chromium to print the pages" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- guarantees


def test_json_is_written_through_a_temporary_file_then_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atmp_lib.engine import manifest

    target = tmp_path / "manifest.json"
    target.write_text('{"status": "running"}')
    moves = []
    monkeypatch.setattr(manifest.os, "replace", lambda a, b: moves.append((Path(a), Path(b))))
    manifest.write_json_atomic(target, {"status": "succeeded"})
    [(temporary, replaced)] = moves
    assert replaced == target and temporary != target and temporary.parent == tmp_path
    assert json.loads(target.read_text()) == {"status": "running"}  # untouched until replaced


def test_a_failed_run_never_moves_latest(tmp_path: Path) -> None:
    from atmp_lib.engine.execution import JobResult
    from atmp_lib.engine.inputs import check_inputs, params_paths_for
    from atmp_lib.engine.run import Outcome, Run, RunOptions
    from atmp_lib.paths import working_on

    root, out = copy_project(tmp_path), tmp_path / "out"
    project = cli.find_project(root)
    with working_on(project):
        inputs = check_inputs(project, [], params_paths_for(project, [], False))
        run_ = Run(inputs, RunOptions(output_dir=out, progress=False))
        for item in run_.plan.executions:  # as if every section had failed, no kernel needed
            failed = JobResult(item.key, item.section.name, "failed", 0.1, error={"ename": "E"})
            run_.outcomes[item.key] = Outcome(failed)
        status, switched = run_._finish(None, 0.0)
    assert (status, switched) == ("failed", False)
    assert not (out / "latest").exists()
    assert json.loads((run_.run_dir / "manifest.json").read_text())["status"] == "failed"


def test_parameter_values_and_labels_are_escaped_on_the_index() -> None:
    from atmp_lib.engine.publishing import IndexEntry, IndexGroup, index_html

    group = IndexGroup(
        "params/<b>x</b>.yaml · en",
        "en",
        {"note": "<script>alert(1)</script>"},
        [IndexEntry("01_a", "<img src=x onerror=alert(1)>", "a.html", "succeeded")],
    )
    page = index_html("run", "succeeded", [group], "2026")
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_fingerprint_follows_package_versions_and_library_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A result made with other package versions or other library code is not reused."""
    root = copy_project(tmp_path)
    project = cli.find_project(root)
    library = tmp_path / "library"
    library.mkdir()
    (library / "module.py").write_text("X = 1\n")
    monkeypatch.setattr(planning, "LIBRARY_DIR", library)
    before = planning.fingerprint(project)
    (library / "module.py").write_text("X = 2\n")
    after_code = planning.fingerprint(project)
    versions = planning.package_versions()
    monkeypatch.setattr(planning, "package_versions", lambda: {**versions, "pandas": "0.0.1"})
    after_upgrade = planning.fingerprint(project)
    assert len({before, after_code, after_upgrade}) == 3
