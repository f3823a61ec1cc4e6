"""What a process imports is what it pays for: a run's main process and its output writers read
signatures and records, so they must not load scipy (via datasketch), pyarrow, trafilatura, lxml or
justext (~140 MB a process between them); a worker loads each only once its work needs it."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "datasketch", "pyarrow", "trafilatura", "lxml", "justext")


def _loaded(code: str) -> list[str]:
    """The heavy packages imported by a fresh interpreter after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_reading_signatures_and_writing_outputs_loads_none_of_them():
    assert _loaded("import cleaner\nfrom cleaner.runner import write_part\nfrom cleaner.dedup import Deduplicator, DedupParams\n"
                   "Deduplicator(':memory:', DedupParams()).close()") == []


def test_cleaning_plain_text_loads_no_html_parser_and_signing_loads_datasketch():
    assert _loaded("import cleaner\ncleaner.clean('Publié dans Le Matin le 3 mars 2021\\n\\nLe texte.')") == []
    assert _loaded("from cleaner.dedup import Signer\nSigner().sign('un texte de plusieurs mots ici')") == ["datasketch", "scipy"]


def test_a_page_loads_trafilatura_and_a_shape_loads_justext():
    page = "<html><body><article><p>" + "Le conseil municipal a voté le budget de la ville mardi soir. " * 8 + "</p></article></body></html>"
    loaded = _loaded(f"import cleaner\nfrom cleaner.html import extract_html\nfrom cleaner.models import Document\n"
                     f"from cleaner.config import Config\nextract_html(Document(id='p', html={page!r}), Config.load())\n"
                     f"from cleaner.kinds.shapefeatures import stoplist_for\nstoplist_for('le la les de des et', None)")
    assert {"trafilatura", "lxml", "justext"} <= set(loaded)
