"""The documentation site: pages generated from the bank (blueprint and coverage, a page per
learning goal, item analysis, forms) and from the code (command line, schemas), built with the
repository's ``docs/`` by mkdocs-material in strict mode.

The security rule: a secure item's stem, options, key and rationales never enter a generated
page, so they cannot reach the built site or its search index; public practice items are
shown in full, their text converted by :func:`toolkit.markup.to_html` (see
:mod:`toolkit.site.fence`).
"""

from .build import BuildResult, build_site, find_repo_root, generate, serve_site
from .model import Section, SiteInputs

__all__ = [
    "BuildResult",
    "Section",
    "SiteInputs",
    "build_site",
    "find_repo_root",
    "generate",
    "serve_site",
]
