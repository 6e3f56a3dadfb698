"""axe-core for the browser tests (issue 12): fetched once from the npm registry, pinned and checked.

``axe_source()`` returns the text of ``axe.min.js`` of :data:`AXE_VERSION`: from the
cache folder ``build/axe-core-<version>/`` when its SHA-256 matches, else downloaded
from registry.npmjs.org (the package tarball, checked against the registry's
sha512 integrity), unpacked and cached.  ``serious_violations(page)`` injects it into
the page and runs the WCAG 2.0/2.1 A and AA rules; it returns the violations of
impact "serious" or "critical" as short readable lines.

``python tests/_axe.py`` fills the cache (``make system-deps`` runs it).
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE_VERSION = "4.14.1"
AXE_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
#: ``dist.integrity`` of axe-core@4.14.1 on the npm registry (``npm view axe-core@4.14.1 dist.integrity``)
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
#: SHA-256 of ``package/axe.min.js`` in that tarball
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
CACHE = ROOT / "build" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
#: The rules run: WCAG 2.0 and 2.1, levels A and AA (EN 301 549 asks for 2.1 AA).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FAILING_IMPACTS = ("serious", "critical")


class AxeUnavailable(RuntimeError):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(*, timeout: float = 60) -> Path:
    """Download the pinned tarball, check it and cache ``axe.min.js``; returns the cached path."""
    try:
        with urllib.request.urlopen(AXE_TARBALL, timeout=timeout) as r:
            tarball = r.read()
    except OSError as exc:
        raise AxeUnavailable(f"cannot download {AXE_TARBALL}: {exc}") from exc
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if integrity != AXE_INTEGRITY:
        raise AxeUnavailable(f"{AXE_TARBALL}: integrity {integrity} is not the pinned {AXE_INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile("package/axe.min.js")
        if member is None:
            raise AxeUnavailable(f"{AXE_TARBALL} has no package/axe.min.js")
        script = member.read()
    if _sha256(script) != AXE_SHA256:
        raise AxeUnavailable(f"axe.min.js of {AXE_TARBALL} does not have the pinned SHA-256")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    tmp = CACHE.with_suffix(".tmp")
    tmp.write_bytes(script)
    tmp.replace(CACHE)
    return CACHE


def axe_source() -> str:
    """The checked text of axe.min.js (cached; downloaded once)."""
    if not (CACHE.exists() and _sha256(CACHE.read_bytes()) == AXE_SHA256):
        fetch()
    return CACHE.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """Inject axe-core (once per document) and return every WCAG A/AA violation.

    Waits until Streamlit shows no stale (faded) element: a page checked while it
    redraws would report the fading as low contrast."""
    page.wait_for_function("document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=30_000)
    page.wait_for_timeout(400)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                          summary: (n.failureSummary || '').slice(0, 300)}))}));
        }""",
        list(WCAG_TAGS),
    )


def serious_violations(page, where: str) -> list[str]:
    """Serious and critical violations on this page, one line per element."""
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} -- {n['target']} {n['html']} {n['summary']}"
        for v in run_axe(page)
        if v["impact"] in FAILING_IMPACTS
        for n in v["nodes"]
    ]


if __name__ == "__main__":
    try:
        print(f"axe-core {AXE_VERSION}: {fetch() if not CACHE.exists() else CACHE}")
    except AxeUnavailable as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
