"""Narrative Markdown runs in Jinja's sandbox with only the documented values, filters and tags.

Issue 8, finding 4: a plain Environment let `{{ lipsum.__globals__.__builtins__.open(…) }}` in a
content file print any file into the PDF. Every payload here must stop the render with the file,
the line and the expression, and nothing it tried to reach may appear anywhere.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from meeting_report.documents_spec import NARRATIVE_VALUES
from meeting_report.narrative import (
    LOOP_ATTRIBUTES,
    NARRATIVE_TAGS,
    FootnoteCollector,
    NarrativeError,
    NarrativeRenderer,
    narrative_environment,
)
from meeting_report.outline import document_inputs
from tests.conftest import ROOT
from tests.real_documents import DOCS, make_data

CONTENT = ROOT / "content"
SECRET = "SECRET-3f9c2a"
SECRET_FILE = "SECRET_FILE"  # replaced by the secret's absolute path
MARKER_FILE = "MARKER_FILE"  # a file a successful command would create

PAYLOADS = [
    "{{ lipsum.__globals__.__builtins__.open('SECRET_FILE').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER_FILE').read() }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARKER_FILE') }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__globals__ }}",
    "{{ range(3) }}",
    "{{ dict(a=1) }}",
    "{{ survey.__class__ }}",
    "{{ survey.__class__.__subclasses__() }}",
    "{{ meeting.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ lipsum.__globals__ }}",
    "{{ self }}",
    "{{ self.__init__.__globals__ }}",
    "{{ config.__class__ }}",
    "{{ config.items() }}",
    "{{ survey.__dict__ }}",
    "{{ regions.__len__() }}",
    "{{ [].append(1) }}",
    "{{ regions.append(regions) }}",
    "{{ meeting.update({'city': 'x'}) }}",
    "{{ meeting.pop('city') }}",
    "{% set x = lipsum %}{{ x }}",
    "{% set x = meeting.__class__ %}",
    "{% set meeting.city = 'x' %}",
    "{{ 'a'.format }}",
    "{{ '{0.__class__.__mro__}'.format(survey) }}",
    "{{ '{x.__class__}'.format_map({'x': survey}) }}",
    "{{ '%s' % survey }}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% include '" + SECRET_FILE + "' %}",
    "{% include '/etc/passwd' %}",
    "{% include '../secret.txt' %}",
    "{% include '../../etc/hostname' %}",
    "{% extends '../secret.txt' %}",
    "{% import '../secret.txt' as s %}",
    "{% from '../secret.txt' import x %}",
    "{% macro m() %}{% endmacro %}",
    "{% with x = lipsum %}{% endwith %}",
    "{% filter upper %}x{% endfilter %}",
    "{{ regions|map(attribute='__class__')|names }}",
    "{{ regions|attr('__class__') }}",
    "{{ meeting.city|upper }}",
    "{{ meeting.city.upper() }}",
    "{{ meeting['__class__'] }}",
    "{{ delegates.total.__class__ }}",
    "{{ delegates.total.real }}",
    "{{ survey is defined }}",
    "{% for r in regions %}{{ loop.__class__ }}{% endfor %}",
    "{% for r in regions %}{{ loop._iterator }}{% endfor %}",
    "{% for r in regions recursive %}{{ loop(regions) }}{% endfor %}",
    "{{ doc }}",
    "{{ charts }}",
    "{{ narrative }}",
    "{{ meeting.city",
]


# --------------------------------------------------------------------------- the real context


@pytest.fixture(scope="module")
def real_contexts() -> dict[str, dict[str, Any]]:
    """What each document's narrative sees, as the build makes it (config.yaml, data/raw)."""
    return {doc: make_data(doc).values for doc in DOCS}


def _printed_in(name: str) -> list[str]:
    """The documents that print a content file (their outlines say)."""
    return [
        doc
        for doc in DOCS
        if str(CONTENT / name) in {str(f) for f in document_inputs(CONTENT, doc).narrative}
    ]


def _narrative_files() -> list[str]:
    return sorted(
        path.relative_to(CONTENT).as_posix()
        for path in CONTENT.rglob("*.md")
        if path.name not in ("README.md", "PROVENANCE.md")
    )


def test_every_content_file_renders_in_the_sandbox(real_contexts) -> None:
    files = _narrative_files()
    assert "highlights.md" in files and len(files) > 30
    for name in files:
        # annexes/annex9_contents.md is printed by no document (tools/fidelity.py scores it):
        # it still renders with the values of the document it describes.
        docs = _printed_in(name) or ["annexes"]
        # A file whose `#` line heads a part of an outline is rendered as that part.
        level = 1 if (CONTENT / name).read_text(encoding="utf-8").startswith("# ") else None
        for doc in docs:
            renderer = NarrativeRenderer(CONTENT, real_contexts[doc], FootnoteCollector("print"))
            assert renderer(name, level).startswith('<div class="narrative"'), (name, doc)


def test_narrative_sees_only_plain_data(real_contexts) -> None:
    # The sandbox's rules (keys and items only) are complete because values are plain data.
    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str), where
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        else:
            assert value is None or type(value) in (str, int, float, bool), (where, type(value))

    for doc, context in real_contexts.items():
        values = NarrativeRenderer(CONTENT, context, FootnoteCollector("print")).values()
        assert set(values) <= set(NARRATIVE_VALUES)
        assert "charts" not in values and "doc" not in values
        walk(values, doc)


def test_documented_names_are_what_the_renderer_offers(tmp_path: Path) -> None:
    readme = (CONTENT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What a narrative file may use", 1)[1].split("\n## ", 1)[0]

    def listed(label: str) -> list[str]:
        line = re.search(rf"^- {label}: (.+)$", section, re.MULTILINE)
        assert line, label
        return re.findall(r"`([^`]+)`", line.group(1))

    env = narrative_environment(str(tmp_path))
    assert set(listed("Values")) == set(NARRATIVE_VALUES)
    assert set(listed("Filters")) == set(env.filters)
    assert {re.sub(r"[{%}]", "", tag).strip() for tag in listed("Tags")} == set(NARRATIVE_TAGS)
    loop = listed("Inside a loop")
    assert {name.removeprefix("loop.") for name in loop} == set(LOOP_ATTRIBUTES)
    assert env.globals == {} and env.tests == {}


# --------------------------------------------------------------------------- payloads


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, Path]:
    """A content folder, a secret file beside it, and where a command would leave a marker."""
    content = tmp_path / "content"
    content.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(f"key: {SECRET}\n", encoding="utf-8")
    return {"content": content, "secret": secret, "marker": tmp_path / "pwned"}


def _assert_nothing_leaked(error: BaseException, paths: dict[str, Path]) -> None:
    text = str(error)
    cause = error.__cause__
    while cause is not None:
        text += str(cause)
        cause = cause.__cause__
    assert SECRET not in text
    assert not paths["marker"].exists(), "a command ran"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_stops_the_build_with_file_line_and_expression(
    payload: str, sandbox: dict[str, Path], real_contexts
) -> None:
    payload = payload.replace(SECRET_FILE, str(sandbox["secret"]))
    payload = payload.replace(MARKER_FILE, str(sandbox["marker"]))
    (sandbox["content"] / "annexes").mkdir()
    (sandbox["content"] / "annexes" / "note.md").write_text(
        f"In {{{{ meeting.city }}}}.\n\nThe text goes on, {payload} and ends.\n",
        encoding="utf-8",
    )
    renderer = NarrativeRenderer(
        sandbox["content"], real_contexts["annexes"], FootnoteCollector("print")
    )
    with pytest.raises(NarrativeError) as caught:
        renderer("annexes/note.md")
    message = str(caught.value)
    assert message.startswith("narrative file annexes/note.md, line 3: "), message
    # The expression is named: one of the payload's tags (or the unclosed one) is in the message.
    tags = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", payload) or [payload]
    assert any(tag in message for tag in tags), message
    _assert_nothing_leaked(caught.value, sandbox)


def test_appending_the_reported_payload_to_highlights_fails_naming_it(
    tmp_path: Path, real_contexts
) -> None:
    # The reproduction, on a copy of the real content folder.
    content = shutil.copytree(CONTENT, tmp_path / "content")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    highlights = content / "highlights.md"
    text = highlights.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    payload = f"{{{{ lipsum.__globals__.__builtins__.open('{secret}').read() }}}}"
    highlights.write_text(f"{text}\n{payload}\n", encoding="utf-8")
    for doc in ("highlights", "annexes"):
        renderer = NarrativeRenderer(content, real_contexts[doc], FootnoteCollector("print"))
        with pytest.raises(NarrativeError, match=rf"^narrative file highlights\.md, line {line}: "):
            renderer("highlights.md")


def test_files_outside_the_content_folder_are_out_of_reach(sandbox: dict[str, Path]) -> None:
    content = sandbox["content"]
    (content / "link.md").symlink_to(sandbox["secret"])
    (content / "link.yaml").symlink_to(sandbox["secret"].with_suffix(".yaml"))
    (content / "ok.yaml").write_text("a: 1\n", encoding="utf-8")
    renderer = NarrativeRenderer(content, {}, FootnoteCollector("print"))
    for call, path in [
        (renderer, "link.md"),
        (renderer, "../secret.md"),
        (renderer.markdown, "../secret.txt"),
        (renderer.data, "link.yaml"),
        (renderer.data, "../secret.yaml"),
        (renderer.data, str(sandbox["secret"].with_suffix(".yaml"))),
        (renderer.exists, "../secret.txt"),
        (renderer.exists, str(sandbox["secret"])),
    ]:
        with pytest.raises(ValueError) as caught:
            call(path)
        assert SECRET not in str(caught.value), path
    assert renderer.data("ok.yaml") == {"a": 1}
    assert renderer.exists("ok.yaml") and not renderer.exists("missing.md")
    # The environment's own loader is confined the same way.
    env = narrative_environment(str(content))
    for name in ("link.md", "../secret.txt", str(sandbox["secret"])):
        with pytest.raises(ValueError, match="outside the content folder"):
            env.get_template(name)


# --------------------------------------------------------------------------- what still works


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)


def test_documented_features_work(tmp_path: Path, real_contexts) -> None:
    (tmp_path / "n.md").write_text(
        "{{ counts.regions|words|capitalize }} regions: {{ regions|map(attribute='name')|names }}; "
        "{{ regions|map(attribute='name')|names(';') }}.\n"
        "{% for r in regions %}({{ loop.cycle('i', 'ii', 'iii', 'iv') }}) {{ r.name }}"
        "{% if loop.last %}.{% elif loop.revindex == 2 %}; and {% else %}; {% endif %}"
        "{% endfor %}\n"
        "{{ survey.response_rate|percent }} {{ survey.responded_by_kind['rcp']|words }} "
        "{{ themes[0].elements[0].element_id }} {{ 2 * 3 }} {{ 7 % 4 }} "
        "{{ 'x' ~ meeting.city }} {{ \"three\" }}\n",
        encoding="utf-8",
    )
    context = real_contexts["annexes"]
    markdown = NarrativeRenderer(tmp_path, context, FootnoteCollector("print")).markdown("n.md")
    # Values are escaped for Markdown (a backslash before punctuation), the file's text is not;
    # a name holding an "and" of its own gets a comma before the list's last "and".
    assert markdown.startswith(
        "Four regions: Africa\\, the Americas\\, Asia\\, Pacific and the Middle East\\, and "
        "Europe; "
        "Africa\\; the Americas\\; Asia"
    )
    assert "(i) Africa; (ii) the Americas; (iii) Asia\\, Pacific and the Middle East; and (iv)" in (
        markdown
    )
    assert "82\\% twelve i 6 3 xGeneva three\n" in markdown


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "**bold** _x_ `code`\n\n# heading\n- item",
        "{{ lipsum.__globals__ }}",
    ],
)
def test_values_from_csv_cells_stay_text(value: str, tmp_path: Path, real_contexts) -> None:
    context = {**real_contexts["annexes"]}
    context["regions"] = [{**region, "name": value} for region in context["regions"]]
    (tmp_path / "n.md").write_text(
        "Groups: {{ regions|map(attribute='name')|names }}.\n\n"
        "{% for region in regions %}\n- {{ region.name }}\n{% endfor %}\n",
        encoding="utf-8",
    )
    html = NarrativeRenderer(tmp_path, context, FootnoteCollector("screen"))("n.md")
    parser = _Tags()
    parser.feed(html)
    # Only the file's own structure: a div, a paragraph and one list of four items.
    assert sorted(set(parser.tags)) == ["div", "li", "p", "ul"]
    assert parser.tags.count("li") == 4
    assert "lipsum" not in value or "{{ lipsum.__globals__ }}" in html
