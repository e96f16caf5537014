"""The scenario explorer as a web app (served by Voila with ``atmp-report app``).

Served, the notebook shows only the explorer (:func:`atmp_lib.page.served`), and this module
adds what a visitor needs and leaves out what only a notebook user should have: the reader
chooses the language (the explorer is rebuilt around the current settings), and "save"
offers the settings as a YAML file to download instead of writing a file on the server.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from atmp_lib import page
from atmp_lib.i18n import LANGUAGES, t
from atmp_lib.sections.scenarios import views
from atmp_lib.sections.scenarios.scenario import Basis, Scenario, scenario_path, scenario_yaml
from atmp_lib.sections.scenarios.widgets import ScenarioExplorer

LANGUAGE_NAMES = {"en": "English", "sv": "Svenska"}
SAVED_COMMENT = "Saved with the scenario explorer app."


class ExplorerApp:
    """The explorer with a language choice and downloads instead of server-side saving."""

    def __init__(
        self, scenario: Scenario, basis: Basis, base: Scenario, facts: pd.DataFrame, lang: str
    ) -> None:
        self.basis, self.base, self.facts = basis, base, facts
        self.language = widgets.ToggleButtons(
            options=[(LANGUAGE_NAMES[code], code) for code in LANGUAGES], value=lang,
            description=t("app_language", lang),
        )  # fmt: skip
        self.title = widgets.HTML()
        self.download = widgets.HTML()
        self.view = widgets.VBox()
        self.explorer = self._explorer(scenario, lang)
        self.language.observe(self._switch, names="value")

    def _explorer(self, scenario: Scenario, lang: str) -> ScenarioExplorer:
        note = views.model_source_note(self.facts, lang)
        explorer = ScenarioExplorer(scenario, self.basis, lang, note, base=self.base)
        explorer.overwrite.layout.display = "none"  # nothing is written on the server
        explorer.save_button.description = t("app_save", lang)
        explorer.save_button.on_click(explorer.save, remove=True)
        explorer.save_button.on_click(self.offer_download)
        self.download.value = ""
        self.title.value = f"<h1>{html.escape(t('app_title', lang))}</h1>"
        self.language.description = t("app_language", lang)
        self.view.children = [self.title, self.language, explorer.view, self.download]
        return explorer

    def _switch(self, change: dict[str, Any]) -> None:
        self.explorer = self._explorer(self.explorer.scenario, change["new"])

    def offer_download(self, _button: object = None) -> str | None:
        """Put a link to the current settings as a YAML file under the explorer; returns the
        file name, or None when the typed name is not a plain file name."""
        explorer = self.explorer
        try:
            name = scenario_path(explorer.save_name.value or "scenario", Path(".")).name
        except ValueError:
            explorer.status.value = html.escape(t("scen_w_bad_name", explorer.lang))
            return None
        text = scenario_yaml(explorer.scenario, self.base, SAVED_COMMENT)
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        label = html.escape(t("app_download", explorer.lang, name=name))
        self.download.value = (
            f'<a download="{html.escape(name)}" href="data:text/yaml;charset=utf-8;base64,{data}">'
            f"{label}</a>"
        )
        return name

    def show(self) -> None:
        display(self.view)


def show_explorer(
    current: Scenario, basis: Basis, base: Scenario, facts: pd.DataFrame, lang: str, label: str
) -> ScenarioExplorer | ExplorerApp:
    """The explorer of the notebook: in JupyterLab (or a report) the explorer itself, saving
    into params/; served as an app, the app around it."""
    if page.served():
        app = ExplorerApp(current, basis, base, facts, lang)
        app.show()
        return app
    explorer = ScenarioExplorer(
        current, basis, lang, views.model_source_note(facts, lang), label, base=base
    )
    explorer.show()
    return explorer
