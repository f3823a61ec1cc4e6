"""The build's one addition to pyproject.toml: every build starts from what the tree holds now."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class FreshBuildPy(build_py):
    """Clears the packages' copies in build_lib (build/lib, kept between builds) before copying them again.

    build_py only adds and overwrites files: a pack renamed or removed in rules/ stayed in build/lib, so in the
    wheel and the install, and a renamed one was loaded twice (duplicate ids). setuptools has no option for this.
    """

    def run(self):
        for top in sorted({name.split(".")[0] for name in self.packages or ()}):
            shutil.rmtree(Path(self.build_lib, top), ignore_errors=True)
        super().run()


setup(cmdclass={"build_py": FreshBuildPy})
