"""``POST /v1/keys``: admins create API keys (the CLI's `triage keys create` does the same)."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter

from triage import moderation
from triage.api.deps import PrincipalDep, StateDep
from triage.api.schemas import KeyIn, KeyOut
from triage.auth import Role

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post("", response_model=KeyOut, status_code=201, summary="Create an API key (admin)")
def create(body: KeyIn, principal: PrincipalDep, state: StateDep) -> KeyOut:
    """A new key with role `score`, `moderate` (needs `channels`) or `admin`. The key is in
    the answer and nowhere else: only its hash is stored."""
    principal.require(Role.ADMIN)
    key, token = moderation.create_key(state.db, Role(body.role), body.channels, body.name)
    return KeyOut(
        name=key.name,
        role=key.role,
        channels=key.channels,
        key=token,
        created_at=key.created_at.replace(tzinfo=UTC),
    )
