"""What a build ships is what the tree holds now: setuptools keeps its copies in build/lib between builds and
only adds to them, so a rule pack renamed or removed in rules/ stayed in the wheel and in a reinstall (a renamed
one was loaded twice, and every command stopped on its duplicate ids). setup.py's build_py clears them first."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT

BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "cleaner", "rules")


def _wheel_files(src: Path, dist: Path) -> set[str]:
    """The file names in the wheel pip builds from `src` in place (its build/ kept), as `pip install .` does."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(dist)], cwd=src, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = dist.glob("cleaner-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_a_second_build_holds_a_renamed_pack_under_its_new_name_alone_and_no_removed_pack(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    renamed, removed = sorted((src / "rules").glob("*.yaml"))[:2]
    first = _wheel_files(src, tmp_path / "dist1")
    assert {f"cleaner/rulepacks/{renamed.name}", f"cleaner/rulepacks/{removed.name}"} <= first
    renamed.rename(renamed.with_name(f"{renamed.stem}-posts.yaml"))
    removed.unlink()
    second = _wheel_files(src, tmp_path / "dist2")
    packs = {name for name in second if name.startswith("cleaner/rulepacks/")}
    assert packs == {f"cleaner/rulepacks/{p.name}" for p in (src / "rules").iterdir() if p.suffix in (".yaml", ".py")}
    assert f"cleaner/rulepacks/{renamed.stem}-posts.yaml" in packs
