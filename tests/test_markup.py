"""The one Markdown conversion: item text is shown as written, never interpreted as HTML."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from toolkit.markup import image_sources, to_html


def test_comparisons_and_generics_read_correctly() -> None:
    assert to_html("latency < 100 ms") == "<p>latency &lt; 100 ms</p>"
    assert to_html("a List<int> here") == "<p>a List&lt;int&gt; here</p>"
    assert to_html("`List<int>`", inline=True) == "<code>List&lt;int&gt;</code>"


def test_raw_html_is_text_and_scripts_never_survive() -> None:
    html = to_html('<script>alert(1)</script>\n\n<div onclick="x()">hi</div>')
    assert "<script" not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unsafe_links_lose_their_address() -> None:
    html = to_html("[x](javascript:alert(1)) and [y](https://cloud.google.com)")
    assert "javascript" not in html
    assert '<a href="https://cloud.google.com">y</a>' in html


def test_code_blocks_tables_lists_and_emphasis() -> None:
    html = to_html(
        "```python\nif a < b:\n    pass\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- *x* **y**\n"
    )
    assert '<pre><code class="language-python">if a &lt; b:' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<li><em>x</em> <strong>y</strong></li>" in html


def test_images_are_found_and_can_be_rewritten() -> None:
    text = "![a](img/a.png) ![b](https://x.org/b.png) ![a again](img/a.png)"
    assert image_sources(text) == ["img/a.png", "https://x.org/b.png"]
    html = to_html(text, rewrite_src=lambda s: "assets/a.png" if s == "img/a.png" else s)
    assert 'src="assets/a.png"' in html and 'src="https://x.org/b.png"' in html


@given(st.text(alphabet=st.sampled_from(list("<>&\"'`*_[]()!/ascriptonlkd=:\n ")), max_size=80))
def test_no_markup_can_be_injected(text: str) -> None:
    html = to_html(text).lower()
    assert "<script" not in html
    assert not re.search(r"<[^>]*\son\w*=", html)
    assert "javascript:" not in html
