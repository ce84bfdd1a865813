"""The moderator inbox: a web page served by the API's own app (no separate front end, no build).

``router`` serves ``/`` (the inbox), ``/login``, ``/logout``, ``/session`` and the static files
under ``/static/``; the page itself talks to the ``/v1`` JSON API, authorised by the session
cookie that ``POST /login`` sets (see :mod:`triage.service.web.routes` and ``docs/web.md``).
"""

from __future__ import annotations

from triage.service.web.routes import router

__all__ = ["router"]
