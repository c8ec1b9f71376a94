"""axe-core in the browser tests: every page checked, serious and critical violations fail.

axe is evaluated through the DevTools protocol (`page.evaluate`), so it runs
under the app's strict Content-Security-Policy without loosening it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
FAILING = frozenset({"serious", "critical"})
# WCAG 2.1 A and AA plus axe's best practices, the set a product review would use.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""


def violations(page: Any) -> list[dict[str, Any]]:
    """Run axe on the page as it is now and return every violation it finds."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(_RUN, TAGS)


def format_violations(found: list[dict[str, Any]]) -> str:
    lines = []
    for item in found:
        lines.append(f"[{item['impact']}] {item['id']}: {item['help']}")
        lines.extend(f"    {node}" for node in item["nodes"])
    return "\n".join(lines)


def check_page(page: Any, label: str) -> None:
    """Fail if axe finds a serious or critical violation on the page as it is now."""
    serious = [item for item in violations(page) if item["impact"] in FAILING]
    assert not serious, f"accessibility ({label}, {page.url}):\n{format_violations(serious)}"
