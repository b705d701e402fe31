"""Build script of the jiceng Python package: everything is declared in pyproject.toml but
the version, which is read from include/jiceng/version.hpp — the one place it is set."""

import os
import re

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))


def version():
    candidates = [os.environ.get("JICENG_VERSION_HEADER"),
                  os.path.join(HERE, "..", "..", "include", "jiceng", "version.hpp")]
    for path in candidates:
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            parts = [re.search(r"^#define JICENG_VERSION_%s (\d+)$" % p, text, re.M) for p in ("MAJOR", "MINOR", "PATCH")]
            if not all(parts):
                raise SystemExit("setup.py: %s has no JICENG_VERSION_MAJOR/MINOR/PATCH" % path)
            return ".".join(m.group(1) for m in parts)
    raise SystemExit("setup.py: cannot find include/jiceng/version.hpp (build from the jiceng source tree, "
                     "or set JICENG_VERSION_HEADER)")


setup(version=version())
