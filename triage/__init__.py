"""triage: multilingual comment triage (language, sentiment, tags, ranked queues)."""

from triage.errors import TriageError
from triage.types import Comment, Queue, SentimentLabel, Tag, Tier, TriageResult

__version__ = "0.1.0"

__all__ = [
    "Comment",
    "Queue",
    "SentimentLabel",
    "Tag",
    "Tier",
    "TriageError",
    "TriageResult",
    "__version__",
]
