"""The pure scoring stages and the :class:`Pipeline` that composes them (docs/architecture.md).

>>> from triage.pipeline import load_pipeline   # the public entry point (README)
"""

from triage.pipeline.core import Pipeline, load_pipeline

__all__ = ["Pipeline", "load_pipeline"]
