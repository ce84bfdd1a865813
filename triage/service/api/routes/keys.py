"""``/v1/keys``: admins create, list and revoke API keys (as `triage keys create|list|revoke`)."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Path, Response

from triage.service import moderation
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import KeyIn, KeyInfoOut, KeyList, KeyOut, Name
from triage.service.auth import Role

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


@router.get("", response_model=KeyList, summary="List the API keys (admin)")
def list_keys(principal: PrincipalDep, state: StateDep) -> KeyList:
    """Every key, revoked ones too, oldest first: name, role, channels, public prefix, when it
    was created and revoked. Never the key or its hash."""
    return KeyList(items=[KeyInfoOut.of(k) for k in moderation.list_keys(state.db, principal)])


@router.delete(
    "/{name:path}",
    status_code=204,
    response_class=Response,
    summary="Revoke an API key (admin)",
    responses={
        404: {"description": "No key has this name."},
        409: {"description": "It is the last admin key that is not revoked."},
    },
)
def revoke(
    name: Annotated[Name, Path(description="The key's name (as listed).")],
    principal: PrincipalDep,
    state: StateDep,
) -> Response:
    """The key stops working (401), in the `Authorization` header and in the inbox's session
    cookie: at once in the worker process that answers, and within `TRIAGE_AUTH_CACHE_SECONDS`
    (2 s) in other workers, which trust a key they verified that long (docs/deploy.md).
    Revoking a revoked key is a 204 again and keeps the first `revoked_at`; an unknown name is
    a 404. The last admin key that is not revoked cannot be revoked (409): create another admin
    key first."""
    moderation.revoke_key(state.db, principal, name)
    state.keys.clear()  # other workers: within TRIAGE_AUTH_CACHE_SECONDS
    return Response(status_code=204)
