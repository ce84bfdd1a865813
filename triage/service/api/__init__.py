"""The HTTP API (FastAPI): ``create_app(settings)`` builds it; ``triage serve`` runs it."""
