"""Build the fast tier's compiled featurizer (``triage/pipeline/_native.c``).

Everything else about the package is declared in pyproject.toml; setuptools reads both. The
extension is plain C against Python's own headers (no numpy or Cython at build time), built by
``pip install -e .`` (``scripts/setup``) into ``triage/pipeline/``. ``-ffp-contract=off`` keeps
the compiler from fusing a multiply and an add: the features must round exactly as
scikit-learn's do (docs/dependencies.md).
"""

import sys

from setuptools import Extension, setup

flags = [] if sys.platform == "win32" else ["-O2", "-ffp-contract=off", "-std=c99"]

setup(
    ext_modules=[
        Extension("triage.pipeline._native", ["triage/pipeline/_native.c"], extra_compile_args=flags),
    ],
)
