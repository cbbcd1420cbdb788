"""The Snakefile's planning helpers: code inputs from the import graph, configured folders,
editions kept apart, and the config each document is given."""

from __future__ import annotations

import json
from modulefinder import ModuleFinder
from pathlib import Path

import pytest
import yaml

from meeting_report.workflow import (
    ConfigError,
    claim_output_folder,
    code_inputs,
    document_config,
    output_roots,
    require_paths,
)
from tests.conftest import ROOT

SCRIPTS = ROOT / "scripts"
ENTRY_SCRIPTS = sorted(p.name for p in SCRIPTS.glob("*.py"))


def modulefinder_inputs(script: Path) -> list[str]:
    """The package modules Python's own ModuleFinder sees the script load (the oracle)."""
    # Only the scripts folder on the path: third-party and standard modules stay unresolved,
    # which keeps the search to our package and fast.
    finder = ModuleFinder(path=[str(SCRIPTS)])
    finder.run_script(str(script))
    return sorted(
        str(Path(module.__file__).relative_to(ROOT))
        for name, module in finder.modules.items()
        if name.split(".")[0] == "meeting_report" and module.__file__
    )


@pytest.mark.parametrize("script", ENTRY_SCRIPTS)
def test_code_inputs_are_the_modules_the_script_imports(script, monkeypatch):
    monkeypatch.chdir(ROOT)
    derived = code_inputs(f"scripts/{script}", "scripts")
    assert derived == modulefinder_inputs(SCRIPTS / script)
    assert "scripts/meeting_report/__init__.py" in derived


def test_the_render_job_depends_on_its_lazy_imports(monkeypatch):
    monkeypatch.chdir(ROOT)
    derived = code_inputs("scripts/render_document.py", "scripts")
    # Imported inside functions only: the PDF step, the charts, the narrative and the record.
    for module in ("render", "charts", "narrative", "manifest", "safe_csv"):
        assert f"scripts/meeting_report/{module}.py" in derived
    assert "scripts/meeting_report/validation.py" not in derived


def test_relative_lazy_and_submodule_imports(tmp_path):
    package = tmp_path / "meeting_report"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from .b import thing\n    return thing\n")
    (package / "b.py").write_text("from meeting_report import c\nthing = 1\n")
    (package / "c.py").write_text("import os\n")
    (package / "unused.py").write_text("")
    script = tmp_path / "entry.py"
    script.write_text("import json\nfrom meeting_report.a import f\n")
    assert code_inputs(script, tmp_path) == sorted(
        str(package / name) for name in ("__init__.py", "a.py", "b.py", "c.py")
    )


def test_missing_configured_folders_and_files_name_their_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    config = {"raw_dir": "nowhere", "narrative_dir": "content", "schema": "missing.json"}
    with pytest.raises(ConfigError) as error:
        require_paths(config, folders=("raw_dir", "narrative_dir"), files=("schema",))
    message = str(error.value)
    assert "config key 'raw_dir': folder 'nowhere' does not exist" in message
    assert "config key 'schema': file 'missing.json' does not exist" in message
    assert "narrative_dir" not in message


def test_an_output_folder_belongs_to_one_edition(tmp_path):
    build = str(tmp_path / "build")
    main = {"raw_dir": "data/raw", "narrative_dir": "content"}
    claim_output_folder(build, main)
    record = tmp_path / "build" / "edition.json"
    assert json.loads(record.read_text()) == main
    before = record.stat().st_mtime_ns
    claim_output_folder(build, main)  # the same edition again: nothing to say or write
    assert record.stat().st_mtime_ns == before
    with pytest.raises(ConfigError, match="--config edition=NAME"):
        claim_output_folder(build, {"raw_dir": "other/raw", "narrative_dir": "content"})


def test_editions_have_their_own_output_roots():
    assert output_roots("") == output_roots("")
    assert (output_roots("").build, output_roots("").results) == ("build", "results")
    other = output_roots("grcp8")
    assert other.build == "build/editions/grcp8"
    assert other.results == "results/editions/grcp8"


def test_each_document_gets_only_the_config_it_reads():
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    plain = document_config(config, shows_survey=False)
    assert set(plain) == {"meeting", "build_date"}
    survey = document_config(config, shows_survey=True)
    assert set(survey) == {"meeting", "build_date", "survey", "recurrence"}
    assert survey["meeting"]["city"] == config["meeting"]["city"]
