"""axe-core in the browser tests: WCAG 2.1 A/AA rules on a page, serious and critical findings.

axe is given to the page as an init script (Playwright injects it outside the page's
Content-Security-Policy, which refuses any script Peygir does not serve itself).
"""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")


def with_axe(page):
    """Call before the first ``goto``: every page this tab opens can then be checked."""
    page.context.add_init_script(path=str(AXE))
    return page


def axe_findings(page) -> list[str]:
    """Serious and critical violations on the page as it is now, one readable line per element."""
    violations = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations""",
        RULE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
        for violation in violations
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]
