"""The documentation site: generated pages, the strict build, and the security rule (no text of
a secure item anywhere in the built site, search index included)."""

from __future__ import annotations

import functools
import gzip
import json
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from tests.site_helpers import PUBLIC_RATIONALE, make_site_bank, secure_texts
from toolkit.bank import load_bank
from toolkit.cli import cli
from toolkit.errors import DataError, UsageError
from toolkit.markup import ALLOWED_TAGS
from toolkit.site import SiteInputs, build_site
from toolkit.site.analysis_pages import analysis_section
from toolkit.site.blueprint_pages import nav_title
from toolkit.site.fence import ANSWER_FENCE, ITEM_FENCE, answer_block, format_item, item_block
from toolkit.site.form_pages import forms_section


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("site")
    data = make_site_bank(root)
    inputs = SiteInputs(data["bank"], data["forms"], data["analysis"], REPO)  # type: ignore[arg-type]
    result = build_site(inputs, root / "out")
    return {**data, "out": result.out, "result": result}


def _texts(out: Path) -> dict[Path, str]:
    """Every file of the built site as text (gzip files decompressed)."""
    files = {}
    for p in out.rglob("*"):
        if p.is_file():
            raw = p.read_bytes()
            if p.suffix == ".gz":
                raw = gzip.decompress(raw)
            files[p] = raw.decode("utf-8", errors="replace")
    return files


def test_no_secure_item_text_anywhere_in_the_built_site(built: dict[str, object]) -> None:
    files = _texts(built["out"])  # type: ignore[arg-type]
    assert any(p.name == "search_index.json" for p in files)
    leaks = []
    for item_id in built["secure_ids"]:  # type: ignore[attr-defined]
        for what, text in secure_texts(item_id).items():
            needle = text.split()[0].lower()  # the unique token
            leaks += [f"{item_id} {what} in {p}" for p, s in files.items() if needle in s.lower()]
    assert not leaks, leaks[:5]
    assert not [p for p, s in files.items() if "keyleak" in s.lower()]


def test_secure_items_are_listed_with_metadata_and_statistics(built: dict[str, object]) -> None:
    page = (built["out"] / "bank/goals/1.1.1/index.html").read_text()  # type: ignore[operator]
    assert "PMLE-0001" in page and "secure" in page and "0.35" in page


def test_public_item_shown_in_full_with_text_escaped(built: dict[str, object]) -> None:
    page = (built["out"] / "bank/goals/1.1.1/index.html").read_text()  # type: ignore[operator]
    assert "zebrafish telemetry" in page
    assert "latency &lt; 100 ms" in page
    assert "<code>List&lt;int&gt;</code>" in page
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    assert '<details class="note">' in page and PUBLIC_RATIONALE in page
    index = json.loads((built["out"] / "search/search_index.json").read_text())  # type: ignore[operator]
    assert any("zebrafish" in d["text"] for d in index["docs"])


def test_analysis_and_forms_pages(built: dict[str, object]) -> None:
    out: Path = built["out"]  # type: ignore[assignment]
    analysis = (out / "bank/analysis/index.html").read_text()
    assert "2026-12-01-2pl-abcdef12" in analysis
    assert "too_hard" in analysis and "MH D-DIF" in analysis
    assert (out / "bank/analysis-plots/test-information.png").is_file()
    assert not list(out.rglob("options-*.png"))
    assert (out / "bank/charts/icc-domain-1.svg").is_file()
    forms = (out / "bank/forms/index.html").read_text()
    assert "Form F1" in forms and "Blueprint conformance" in forms
    assert "broken.yaml cannot be read" in forms
    assert (out / "bank/charts/forms-information.svg").is_file()
    assert any("broken.yaml" in n for n in built["result"].notes)  # type: ignore[attr-defined]


def test_references_and_schemas_published(built: dict[str, object]) -> None:
    out: Path = built["out"]  # type: ignore[assignment]
    cli_page = (out / "reference/cli/index.html").read_text()
    assert "site build" in cli_page and "--changed-since" in cli_page
    assert (out / "reference/schemas/item.schema.json").is_file()
    assert 'href="../reference/schemas/#item"' in (out / "authoring/index.html").read_text()


def test_sections_without_forms_or_analysis_say_so(tmp_path: Path) -> None:
    data = make_site_bank(tmp_path)
    bank = load_bank(data["bank"])  # type: ignore[arg-type]
    assert "No forms folder was given" in forms_section(bank, None).files["bank/forms.md"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "holds no form files" in forms_section(bank, empty).files["bank/forms.md"]
    page = analysis_section(bank, None).files["bank/analysis.md"]
    assert "No analysis folder was given" in page
    shutil.rmtree(data["bank"] / "calibrations")  # type: ignore[operator]
    assert "No calibration is recorded" in analysis_section(bank, None).files["bank/analysis.md"]


def test_form_that_does_not_match_the_bank_is_reported(tmp_path: Path) -> None:
    data = make_site_bank(tmp_path)
    form = data["forms"] / "F1.yaml"  # type: ignore[operator]
    form.write_text(form.read_text().replace("version: 1", "version: 9", 1))
    bank = load_bank(data["bank"])  # type: ignore[arg-type]
    page = forms_section(bank, data["forms"]).files["bank/forms.md"]  # type: ignore[arg-type]
    assert "does not match the bank" in page and "pins version 9" in page


def test_strict_build_fails_on_a_broken_link(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(REPO / "docs", repo / "docs", dirs_exist_ok=True)
    (repo / "docs" / "index.md").write_text("# Home\n\n[gone](missing.md)\n")
    data = make_site_bank(tmp_path)
    with pytest.raises(DataError, match="strict mode") as exc:
        build_site(SiteInputs(data["bank"], None, None, repo), tmp_path / "out")  # type: ignore[arg-type]
    assert any("missing.md" in d.message for d in exc.value.diagnostics)
    assert not (tmp_path / "out").exists()


def test_out_must_not_be_a_folder_with_other_content(tmp_path: Path) -> None:
    data = make_site_bank(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="does not look like a built site"):
        build_site(SiteInputs(data["bank"], None, None, REPO), tmp_path / "mine")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="folder of its own"):
        build_site(SiteInputs(data["bank"], None, None, REPO), REPO / "docs")  # type: ignore[arg-type]
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_cli_reports_a_missing_forms_folder(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli, ["site", "build", "--forms", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 2 and "no such folder" in r.output


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs |= {a for a, _ in attrs}


@settings(max_examples=60, deadline=None)
@given(
    stem=st.text(min_size=1, max_size=200),
    option=st.text(alphabet=st.sampled_from("<>&\"'`*[]()=\n abcimgscript/:"), max_size=80),
)
def test_item_fence_carries_any_text_on_one_line_and_escapes_html(stem: str, option: str) -> None:
    block = item_block(stem, [{"id": "A", "text": option or "x"}])
    lines = block.split("\n")
    assert lines[0] == f"```{ITEM_FENCE}" and lines[2] == "```" and len(lines) == 3
    parser = _Tags()
    parser.feed(format_item(lines[1], ITEM_FENCE, ITEM_FENCE, {}, None))
    assert parser.tags <= ALLOWED_TAGS | {"div", "ol", "li", "span"}
    assert not {a for a in parser.attrs if a.startswith("on")}
    assert answer_block([]).startswith(f"```{ANSWER_FENCE}\n")


def test_nav_titles_are_escaped_and_short() -> None:
    assert nav_title("1.1 a <b> & c") == "1.1 a &lt;b&gt; &amp; c"
    assert nav_title("word " * 40).endswith(" …") and len(nav_title("word " * 40)) <= 74


# --- a real browser (Chromium from the distribution, driven by Playwright) -------------------

ARTIFACTS = REPO / ".artifacts"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        "no Chromium on this machine: install it with `apt-get install -y chromium`"
        " (`make test` does so when run as root)"
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(built: dict[str, object]) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (loopback only), for the browser."""
    handler = functools.partial(_QuietHandler, directory=str(built["out"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_site_in_a_headless_browser(served: str, built: dict[str, object]) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
    )
    executable = _chromium()
    with sync_api.sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=executable, headless=True, args=["--no-sandbox"]
            )
        except sync_api.Error as exc:
            pytest.skip(f"Chromium ({executable}) does not start headless here: {exc}")
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(served)
            assert "qbank" in page.title()
            page.get_by_role("link", name="Blueprint and coverage").first.click()
            page.wait_for_url("**/bank/")
            assert "Blueprint and coverage" in page.locator("h1").inner_text()
            assert page.locator("img[src$='coverage.svg']").evaluate("i => i.naturalWidth") > 0

            def search(words: str) -> str:
                box = page.locator("input.md-search__input")
                box.click()
                box.fill("")
                box.press_sequentially(words, delay=20)
                meta = page.locator(".md-search-result__meta")
                sync_api.expect(meta).not_to_have_text("Initializing search", timeout=15000)
                sync_api.expect(meta).not_to_have_text("Type to start searching")
                return page.locator(".md-search-result").inner_text()

            found = search("zebrafish telemetry")
            assert "PMLE-0009" in found or "1.1.1" in found, found
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "site-search.png"))
            secure_word = secure_texts(built["secure_ids"][0])["stem"].split()[0]  # type: ignore[index]
            assert "No matching documents" in search(secure_word)
            page.keyboard.press("Escape")
            page.goto(served + "bank/goals/1.1.1/")
            page.locator("details.note summary").first.click()
            assert PUBLIC_RATIONALE in page.locator("details.note").first.inner_text()
            assert "<script>" in page.locator(".qbank-stem").first.inner_text()
            page.screenshot(path=str(ARTIFACTS / "site-goal-page.png"), full_page=True)
        finally:
            browser.close()
