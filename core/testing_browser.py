"""The console in a real browser: Playwright for Python driving the machine's Chromium.

Playwright's own browser download is never used (`playwright install` is not run): the tests
launch the Chromium found at `SHORTSGEN_CHROMIUM` or on the PATH (Debian's `chromium`
package). Without one they are skipped with the reason, unless `SHORTSGEN_REQUIRE_BROWSER`
is set (CI sets it), where a missing browser fails them.
"""

import os
import re
import shutil
from pathlib import Path

from django.conf import settings

SCREENSHOTS_DIR = Path(
    os.environ.get("SHORTSGEN_SCREENSHOTS", settings.BASE_DIR / "build" / "screenshots")
)
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> str | None:
    configured = os.environ.get("SHORTSGEN_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_required() -> bool:
    return os.environ.get("SHORTSGEN_REQUIRE_BROWSER", "").lower() in ("1", "true", "yes")


class Console:
    """A signed-in console page of one test, with the live server's address and screenshots.

    `open("/admin/...")` goes to a console path; `shot("approved")` saves
    build/screenshots/<test>/<NN>-approved.png for people to look at.
    """

    def __init__(self, page, base_url: str, test_name: str):
        self.page = page
        self.base_url = base_url
        self.folder = SCREENSHOTS_DIR / re.sub(r"[^\w.-]+", "_", test_name)
        self._shots = 0

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def open(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 500, (path, response and response.status)
        return response

    def shot(self, name: str) -> Path:
        self._shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self._shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
