"""A real headless browser for the viewer's tests: Debian's chromium driven by Selenium.

The viewer page (``gk.utils.view_model``) is plain HTML and JavaScript, so
its tests open the written file from ``file://`` in a real browser and read
the state the page publishes as ``window.gkViewer``. Nothing is downloaded:
Selenium is pointed at the system's ``chromedriver`` (never at Selenium
Manager) and the browser runs headless with networking features off, in a
fresh profile folder, at a fixed window size so layouts and screenshots do
not depend on the machine.

Test modules import the fixture from here (no conftest); tests then ask for
``browser``:

    from browser_tools import browser_fixture  # noqa: F401  (the ``browser`` fixture)

When no browser or driver can be found or started, the fixture skips with a
reason naming what was missing. ``.ci/run`` installs Debian's ``chromium``
and ``chromium-driver`` first, so in CI the tests run.

:func:`decode_png` is a small PNG reader (8-bit, non-interlaced: what
browsers write), so a screenshot's pixels can be checked without an image
library.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER_PATHS = ("/usr/bin/chromedriver",)
INSTALL_HINT = (
    "no chromium/chromedriver found; .ci/run installs Debian's chromium and chromium-driver"
)
WINDOW_SIZE = (1200, 800)
PAGE_READY_SECONDS = 30.0

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-default-apps",
    "--force-device-scale-factor=1",
    "--allow-file-access-from-files",
)


def first_existing(paths: tuple[str, ...], command: str) -> str | None:
    """The first of ``paths`` that is an executable file, else ``command`` found on PATH."""
    for path in paths:
        if Path(path).is_file():
            return path
    return shutil.which(command)


def browser_paths() -> tuple[str, str] | str:
    """``(chromium, chromedriver)``, or the reason one of them is missing."""
    chromium = first_existing(CHROMIUM_PATHS, "chromium")
    chromedriver = first_existing(CHROMEDRIVER_PATHS, "chromedriver")
    if chromium is None or chromedriver is None:
        found = {"chromium": chromium, "chromedriver": chromedriver}
        missing = [name for name, path in found.items() if path is None]
        return f"{INSTALL_HINT} (missing: {', '.join(missing)})"
    return chromium, chromedriver


def start_browser(profile_folder: str, window_size: tuple[int, int] = WINDOW_SIZE):
    """A headless chromium driven through the system chromedriver, or the reason it cannot start.

    Returns the Selenium driver, or a string saying what was missing or failed.
    """
    paths = browser_paths()
    if isinstance(paths, str):
        return paths
    chromium, chromedriver = paths
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return f"selenium is not installed (pip install 'graphkeras[test]'); {INSTALL_HINT}"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_folder}")
    options.add_argument(f"--window-size={window_size[0]},{window_size[1]}")
    try:
        # An explicit driver path: Selenium Manager (which downloads drivers) never runs.
        return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    except Exception as error:  # the browser's own start-up errors vary by version
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"chromium did not start through {chromedriver}: {first_line}"


@pytest.fixture(scope="session", name="browser")
def browser_fixture():
    """One headless chromium for the whole test run; skips, saying why, when none is available."""
    profile_folder = tempfile.mkdtemp(prefix="graphkeras-chromium-")
    driver = start_browser(profile_folder)
    if isinstance(driver, str):
        shutil.rmtree(profile_folder, ignore_errors=True)
        pytest.skip(driver)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile_folder, ignore_errors=True)


def open_viewer(driver, page: Path | str, timeout: float = PAGE_READY_SECONDS) -> None:
    """Load ``page`` and wait until ``gkViewer.ready`` (its first paint).

    ``page`` is a file (opened from ``file://``) or an ``http://`` URL.
    """
    from selenium.webdriver.support.ui import WebDriverWait

    text = str(page)
    driver.get(text if text.startswith("http://") else Path(page).resolve().as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return Boolean(window.gkViewer && window.gkViewer.ready);")
    )


def viewer_call(driver, method: str, *arguments):
    """``gkViewer[method](...arguments)`` in the page, its result returned (Promises awaited).

    An exception thrown in the page is raised here as ``RuntimeError`` with its stack.
    """
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const [method, args] = [arguments[0], arguments[1]];"
        "try {"
        "  Promise.resolve(window.gkViewer[method](...args)).then("
        "    (value) => done({value: value === undefined ? null : value}),"
        "    (error) => done({error: String((error && error.stack) || error)}));"
        "} catch (error) { done({error: String((error && error.stack) || error)}); }",
        method,
        list(arguments),
    )
    if "error" in result:
        raise RuntimeError(
            f"gkViewer.{method}{tuple(arguments)!r} failed in the page: {result['error']}"
        )
    return result["value"]


# ----------------------------------------------------------------------- PNG
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


def decode_png(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit, non-interlaced PNG as a ``(height, width, channels)`` uint8 array.

    Enough of the format for the images browsers write (grey, grey+alpha,
    RGB, RGBA); anything else raises ``ValueError`` naming what it met.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(f"data is not a PNG: it starts with {data[:8]!r}.")
    position, compressed, header = len(PNG_SIGNATURE), [], None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG has no IHDR chunk.")
    width, height, bit_depth, colour_type, _, _, interlace = header
    if bit_depth != 8 or colour_type not in CHANNELS or interlace != 0:
        raise ValueError(
            "decode_png reads 8-bit non-interlaced grey/RGB(A) PNGs; received "
            f"bit depth {bit_depth}, colour type {colour_type}, interlace {interlace}."
        )
    channels = CHANNELS[colour_type]
    raw = np.frombuffer(zlib.decompress(b"".join(compressed)), dtype=np.uint8)
    rows = raw.reshape(height, 1 + width * channels)
    return unfilter(rows[:, 0], rows[:, 1:], channels).reshape(height, width, channels)


def unfilter(filters: np.ndarray, rows: np.ndarray, channels: int) -> np.ndarray:
    """Undo PNG's per-row filters (None, Sub, Up, Average, Paeth) on ``rows`` (bytes per row).

    Sub is a running sum along the row; Average and Paeth depend on the byte
    just decoded to their left, so those rows are decoded byte by byte.
    """
    height, row_bytes = rows.shape
    out = np.zeros((height, row_bytes), dtype=np.uint8)
    previous = np.zeros(row_bytes, dtype=np.int32)
    for y in range(height):
        line = rows[y].astype(np.int32)
        kind = filters[y]
        if kind == 0:
            decoded = line
        elif kind == 1:
            decoded = np.cumsum(line.reshape(-1, channels), axis=0).reshape(-1) & 0xFF
        elif kind == 2:
            decoded = (line + previous) & 0xFF
        elif kind in (3, 4):
            decoded = left_dependent_row(line, previous, channels, paeth=kind == 4)
        else:
            raise ValueError(f"PNG row {y} has unknown filter type {kind}.")
        out[y] = decoded
        previous = decoded.astype(np.int32)
    return out


def left_dependent_row(line: np.ndarray, up: np.ndarray, channels: int, paeth: bool) -> np.ndarray:
    """One Average (``paeth=False``) or Paeth row: each byte adds a predictor from its left."""
    decoded = line.tolist()
    above = up.tolist()
    for i in range(len(decoded)):
        left = decoded[i - channels] if i >= channels else 0
        if not paeth:
            decoded[i] = (decoded[i] + ((left + above[i]) >> 1)) & 0xFF
            continue
        upper_left = above[i - channels] if i >= channels else 0
        estimate = left + above[i] - upper_left
        distance_left = abs(estimate - left)
        distance_up = abs(estimate - above[i])
        distance_upper_left = abs(estimate - upper_left)
        if distance_left <= distance_up and distance_left <= distance_upper_left:
            predictor = left
        elif distance_up <= distance_upper_left:
            predictor = above[i]
        else:
            predictor = upper_left
        decoded[i] = (decoded[i] + predictor) & 0xFF
    return np.asarray(decoded, dtype=np.int32)


def pixel_spread(pixels: np.ndarray) -> float:
    """The standard deviation of a picture's colour values: near 0 for a blank picture."""
    colour = pixels[..., :3] if pixels.shape[-1] >= 3 else pixels[..., :1]
    return float(colour.astype(np.float64).std())
