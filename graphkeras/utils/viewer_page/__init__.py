"""The viewer page's own files (HTML, CSS, JavaScript), read by ``model_viewer.py`` and
inlined into each page it writes. Package data: no Python lives here."""
