"""Generated reference pages are up to date with the registries."""

from toolkit.docgen import DOCS, PAGES, SCHEMAS


def test_generated_pages_are_current() -> None:
    for name, fn in PAGES.items():
        assert (DOCS / name).read_text(encoding="utf-8") == fn(), (
            f"run `python -m toolkit.docgen` ({name})"
        )


def test_generated_schemas_are_current() -> None:
    for name, fn in SCHEMAS.items():
        assert (DOCS.parent / "schema" / name).read_text(encoding="utf-8") == fn(), (
            f"run `python -m toolkit.docgen` ({name})"
        )
