"""Saved replies (``/v1/replies``) and the replies suggested for a comment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from triage.service import replies
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import (
    Name,
    ReplyIn,
    ReplyList,
    ReplyOut,
    ReplyPatchIn,
    SuggestionList,
    SuggestionOut,
)

router = APIRouter(tags=["replies"])

ReplyId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The saved reply's `id`.")]


@router.post("/v1/replies", response_model=ReplyOut, status_code=201, summary="Save a reply")
def create(body: ReplyIn, principal: PrincipalDep, state: StateDep) -> ReplyOut:
    """Save a reply for a channel; it is embedded once, now (the first time after a start
    this loads the e5 model: a few seconds).

    Needs a `moderate` key scoped to the channel, or an `admin` key.
    """
    info = replies.create_reply(
        state.db,
        state.pipeline,
        principal,
        body.channel,
        body.title,
        body.text,
        body.lang,
    )
    return ReplyOut.of(info)


@router.get("/v1/replies", response_model=ReplyList, summary="Saved replies")
def list_(
    principal: PrincipalDep,
    state: StateDep,
    channel: Annotated[
        Name | None, Query(description="Only this channel (default: all of the key's).")
    ] = None,
) -> ReplyList:
    """The saved replies of the channels the key may see, by channel then id, with how often
    each was used."""
    return ReplyList(
        items=[ReplyOut.of(i) for i in replies.list_replies(state.db, principal, channel)]
    )


@router.patch("/v1/replies/{reply_id}", response_model=ReplyOut, summary="Edit a saved reply")
def update(
    reply_id: ReplyId, body: ReplyPatchIn, principal: PrincipalDep, state: StateDep
) -> ReplyOut:
    """Change the title, text and/or language (fields left out stay); a new title or text is
    embedded again. 404 if the reply is not in one of the key's channels."""
    info = replies.update_reply(state.db, state.pipeline, principal, reply_id, body.changes())
    return ReplyOut.of(info)


@router.delete(
    "/v1/replies/{reply_id}", status_code=204, response_class=Response, summary="Delete a reply"
)
def delete(reply_id: ReplyId, principal: PrincipalDep, state: StateDep) -> Response:
    """It is no longer listed or suggested; the uses recorded against it stay."""
    replies.delete_reply(state.db, principal, reply_id)
    return Response(status_code=204)


@router.get(
    "/v1/comments/{comment_id}/suggestions",
    response_model=SuggestionList,
    tags=["comments"],
    summary="Saved replies suggested for a comment",
)
def suggestions(
    comment_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    principal: PrincipalDep,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=20, description="At most this many.")] = 3,
) -> SuggestionList:
    """The comment's channel's saved replies ranked by cross-lingual similarity to the comment
    (multilingual e5 embeddings), best first, with `{author}` and `{channel}` filled in.
    Replies less similar than `TRIAGE_REPLY_MIN_SCORE` are left out: the list is empty when
    none is close enough. 404 if the comment is not in one of the key's channels."""
    found = replies.suggest(state.db, state.pipeline, state.settings, principal, comment_id, limit)
    return SuggestionList(
        items=[
            SuggestionOut(
                reply_id=s.reply_id, title=s.title, text=s.text, lang=s.lang, score=s.score
            )
            for s in found
        ]
    )
