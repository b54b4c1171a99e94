"""Regenerate the viewer screenshots in this folder: ``python docs/make_viewer_screenshots.py``.

* ``viewer-layers.png``: the demo's Siamese model in the page
  ``gk.utils.view_model`` writes, at the layer level, the shared encoder
  selected (the side panel lists its two calls);
* ``viewer-nodes.png``: the same page at the node level, one call of the
  encoder selected (both calls highlighted, edges labelled
  ``layer[node][tensor]``).

It opens the page in headless chromium through the system chromedriver,
as the viewer's tests do (Debian: ``apt-get install chromium
chromium-driver``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import graphkeras as gk
from graphkeras.demo import build_siamese

FOLDER = Path(__file__).resolve().parent
sys.path.insert(0, str(FOLDER.parent / "tests"))
from browser_tools import open_viewer, start_browser  # noqa: E402

WINDOW_SIZE = (1280, 860)
SHOTS = {
    "viewer-layers.png": ("layers", "encoder"),
    "viewer-nodes.png": ("nodes", "encoder[2]"),
}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="viewer-screenshots-"))
    try:
        page = gk.utils.view_model(build_siamese(), work / "siamese.html").path
        driver = start_browser(str(work / "profile"), WINDOW_SIZE)
        if isinstance(driver, str):
            raise SystemExit(driver)
        try:
            for file_name, (level, selected) in SHOTS.items():
                open_viewer(driver, page)
                driver.execute_script(
                    "gkViewer.setLevel(arguments[0]); gkViewer.fit();"
                    " gkViewer.select(arguments[1]);",
                    level,
                    selected,
                )
                (FOLDER / file_name).write_bytes(driver.get_screenshot_as_png())
                print(f"wrote {FOLDER.name}/{file_name} ({level} level, {selected} selected)")
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
