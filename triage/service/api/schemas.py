"""Request and response bodies of the HTTP API (pydantic v2).

Inputs (``*In``) forbid unknown fields, so a typo is a 422 that names it rather than a silently
ignored value. Types are strict: a number must be a JSON integer (not ``"5"``, ``true`` or
``5.0``) and a time a string. Strings refuse NUL characters and unpaired surrogates (neither
survives a database round trip). Limits that depend on settings (batch size, text length) are checked by
:mod:`triage.service.moderation`; the ones here are the hard ceilings shown in the OpenAPI schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    field_validator,
)

from triage.service.alerts import EVENTS, sla_of
from triage.service.settings import Settings
from triage.service.store.db import naive_utc
from triage.service.store.models import ApiKey, Campaign, Label, StoredComment, Webhook
from triage.types import PriorityLevel, Queue, SentimentLabel, Tag, Tier

__all__ = [
    "AnalyzeIn",
    "AnalyzeOut",
    "BulkResolveIn",
    "BulkResolveOut",
    "CampaignOut",
    "CampaignPage",
    "CampaignResolveIn",
    "CampaignResolveOut",
    "ClaimIn",
    "ClaimOut",
    "CommentIn",
    "IngestIn",
    "IngestOut",
    "ItemOut",
    "KeyIn",
    "KeyInfoOut",
    "KeyList",
    "KeyOut",
    "LabelIn",
    "Lang",
    "LabelOut",
    "Name",
    "QueueCountsOut",
    "QueuePage",
    "ReplyIn",
    "ReplyList",
    "ReplyOut",
    "ReplyPatchIn",
    "ResolveIn",
    "ReviewPage",
    "ScoredOut",
    "Search",
    "SkippedOut",
    "SuggestionList",
    "SuggestionOut",
    "WebhookIn",
    "WebhookList",
    "WebhookOut",
]

#: Hard ceilings (the configurable limits are lower by default).
MAX_TEXT = 1_000_000
MAX_ITEMS = 100_000


def _clean(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (found an unpaired surrogate)") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


def _utc(value: datetime) -> datetime:
    try:
        return naive_utc(value)
    except OverflowError:
        raise ValueError("is out of range") from None


Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Lang = Annotated[str, StringConstraints(pattern=r"^(?:[a-z]{2,3})$")]
#: A text search (a substring; blank means no search).
Search = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean)]
def _time_string(value: Any) -> Any:
    if not isinstance(value, str | datetime):
        raise ValueError("must be an ISO 8601 string, e.g. 2026-11-18T01:42:00Z")
    return value


Time = Annotated[datetime, BeforeValidator(_time_string), AfterValidator(_utc)]
#: A JSON integer, nothing else ("5", true and 5.0 are refused).
StrictInt = Annotated[int, Strict()]
Resolution = Literal["replied", "hidden", "deleted", "dismissed"]


def _tag_set(tags: list[Tag]) -> list[Tag]:
    return [t for t in Tag if t in tags]  # each once, in the canonical order


def _out_time(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- analyze -----------------------------------------------------------------------------------


class AnalyzeCommentIn(_In):
    text: Text
    id: Name | None = Field(None, description="Your id, echoed back.")


class AnalyzeIn(_In):
    comments: list[AnalyzeCommentIn] = Field(min_length=1, max_length=MAX_ITEMS)
    tier: Tier | None = Field(None, description="fast (default) or accurate, if the model has it.")


class ScoredOut(BaseModel):
    """The output record of one comment (the same fields as `triage score` writes)."""

    id: str | None = None
    lang: str
    lang_score: float
    sentiment: SentimentLabel
    sentiment_score: float
    p_negative: float
    p_neutral: float
    p_positive: float
    p_question: float
    p_complaint: float
    p_spam: float
    p_praise: float
    p_abuse: float
    tags: list[Tag]
    p_urgent: float
    priority: int
    queue: Queue
    model: str
    reasons: list[str]


class AnalyzeOut(BaseModel):
    results: list[ScoredOut]


# --- comments and queues -----------------------------------------------------------------------


class CommentIn(_In):
    external_id: Name
    text: Text
    author: Name | None = None
    created_at: Time | None = Field(
        None, description="ISO 8601; naive times are UTC. Default: now."
    )


class IngestIn(_In):
    channel: Name
    comments: list[CommentIn] = Field(min_length=1, max_length=MAX_ITEMS)


class ItemOut(ScoredOut):
    """A stored comment: its text and record, moderation status, lease and campaign."""

    id: int  # type: ignore[assignment]
    external_id: str
    channel: str
    text: str
    author: str | None
    created_at: datetime
    ingested_at: datetime
    status: Literal["open", "replied", "hidden", "deleted", "dismissed"]
    resolved_by: str | None
    resolved_at: datetime | None
    claimed_by: str | None
    claim_expires_at: datetime | None
    campaign_id: int | None
    uncertainty: float | None = Field(
        description="How unsure the model is about this comment: 0 sure .. 1 a coin toss (the "
        "largest of the sentiment margin and each tag's distance from its threshold; see "
        "GET /v1/queues/review). null for comments stored before it was computed."
    )
    uncertainty_reason: str | None = Field(
        description="The head the model is least sure about, e.g. "
        "'sentiment: negative 0.41 vs neutral 0.38' or 'complaint: 0.47 at threshold 0.45'."
    )
    due_at: datetime | None = Field(
        None,
        description="When the first action (claim or resolve) is due: created_at plus the SLA "
        "target of the channel and queue (TRIAGE_SLA_TARGETS); null when the queue has none.",
    )
    waiting_s: int | None = Field(
        None,
        description="Seconds from created_at to the first action, or to now while there is none.",
    )
    overdue: bool = Field(
        False, description="Open, past due_at, and nobody has claimed or resolved it yet."
    )
    first_action_at: datetime | None = Field(
        None, description="The first claim or resolve (the SLA clock stops there)."
    )

    @classmethod
    def of(
        cls, row: tuple[StoredComment, str], now: datetime, settings: Settings | None = None
    ) -> ItemOut:
        """Build from a stored comment and its channel name; expired leases show as unclaimed.
        ``settings`` (the SLA targets) fills ``due_at``, ``waiting_s`` and ``overdue``."""
        c, channel = row
        sla = sla_of(c, channel, settings, now) if settings is not None else None
        leased = (
            c.claimed_by is not None and c.claim_expires_at is not None and c.claim_expires_at > now
        )
        return cls(
            id=c.id,
            external_id=c.external_id,
            channel=channel,
            text=c.text,
            author=c.author,
            created_at=c.created_at.replace(tzinfo=UTC),
            ingested_at=c.ingested_at.replace(tzinfo=UTC),
            lang=c.lang,
            lang_score=c.lang_score,
            sentiment=SentimentLabel(c.sentiment),
            sentiment_score=c.sentiment_score,
            p_negative=c.p_negative,
            p_neutral=c.p_neutral,
            p_positive=c.p_positive,
            p_question=c.p_question,
            p_complaint=c.p_complaint,
            p_spam=c.p_spam,
            p_praise=c.p_praise,
            p_abuse=c.p_abuse,
            tags=[t for t in Tag if getattr(c, f"tag_{t.value}")],
            p_urgent=c.p_urgent,
            priority=c.priority,
            queue=Queue(c.queue),
            model=c.model,
            reasons=list(c.reasons),
            status=c.status,  # type: ignore[arg-type]
            resolved_by=c.resolved_by,
            resolved_at=_out_time(c.resolved_at),
            claimed_by=c.claimed_by if leased else None,
            claim_expires_at=_out_time(c.claim_expires_at) if leased else None,
            campaign_id=c.campaign_id,
            uncertainty=c.uncertainty,
            uncertainty_reason=c.uncertainty_reason,
            due_at=_out_time(sla.due_at) if sla else None,
            waiting_s=sla.waiting_s if sla else None,
            overdue=sla.overdue if sla else False,
            first_action_at=_out_time(c.first_action_at),
        )


class IngestOut(BaseModel):
    items: list[ItemOut] = Field(description="The stored record of each comment, in request order.")
    created: int = Field(description="How many of them were new.")


class QueuePage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null on the last page."
    )


class ReviewPage(BaseModel):
    items: list[ItemOut] = Field(
        description="Comments nobody has labelled yet (any status), most uncertain first, then id."
    )
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null on the last page."
    )


class QueueCount(BaseModel):
    open: int
    claimed: int


class ChannelQueuesOut(BaseModel):
    channel: str
    queues: dict[Queue, QueueCount]


class QueueCountsOut(BaseModel):
    queues: list[Queue]
    channels: list[ChannelQueuesOut]


class ClaimIn(_In):
    channel: Name | None = Field(
        None, description="Only this channel (default: every channel of the key)."
    )
    lang: Lang | None = None
    tag: Tag | None = None
    limit: StrictInt = Field(10, ge=1, le=MAX_ITEMS)


class ClaimOut(BaseModel):
    items: list[ItemOut]
    lease_expires_at: datetime


class ResolveIn(_In):
    action: Resolution
    reply_id: Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)] | None = Field(
        None,
        description="With `replied`: the saved reply (of the comment's channel) that answered "
        "it, recorded so that the ranking of suggestions can learn from use.",
    )


CommentIdIn = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]


class BulkResolveIn(_In):
    ids: list[CommentIdIn] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Comment ids (`id` of items)."
    )
    action: Resolution


class SkippedOut(BaseModel):
    id: int
    detail: str


class BulkResolveOut(BaseModel):
    items: list[ItemOut] = Field(description="The comments this request resolved.")
    skipped: list[SkippedOut] = Field(
        description="Ids not resolved: unknown (or another channel's), or leased to another key."
    )


# --- labels ------------------------------------------------------------------------------------


class LabelIn(_In):
    sentiment: SentimentLabel | None = None
    # The length cap is checked on the list as sent, before duplicates are dropped.
    tags: Annotated[list[Tag], Field(max_length=len(Tag)), AfterValidator(_tag_set)] | None = (
        Field(None, description="The full set of tags that apply ([] for none).")
    )
    priority: PriorityLevel | None = Field(None, description="How soon a human must act: high, normal or low.")
    lang: Lang | None = None


class LabelOut(BaseModel):
    id: int
    comment_id: int
    lang: str | None
    sentiment: SentimentLabel | None
    tags: list[Tag] | None
    priority: PriorityLevel | None = None
    labelled_by: str
    labelled_at: datetime

    @classmethod
    def of(cls, label: Label) -> LabelOut:
        """Build from a stored label."""
        return cls(
            id=label.id,
            comment_id=label.comment_id,
            lang=label.lang,
            sentiment=SentimentLabel(label.sentiment) if label.sentiment else None,
            tags=[Tag(t) for t in label.tags] if label.tags is not None else None,
            priority=PriorityLevel(label.priority) if label.priority else None,
            labelled_by=label.labelled_by,
            labelled_at=label.labelled_at.replace(tzinfo=UTC),
        )


# --- campaigns ---------------------------------------------------------------------------------


class CampaignOut(BaseModel):
    id: int
    channel: str
    status: Literal["open", "hidden", "deleted", "dismissed"]
    size: int
    authors: int
    sample_text: str
    first_seen: datetime
    last_seen: datetime

    @classmethod
    def of(cls, campaign: Campaign, channel: str, size: int, authors: int) -> CampaignOut:
        """Build from a stored campaign and its counts."""
        return cls(
            id=campaign.id,
            channel=channel,
            status=campaign.status,  # type: ignore[arg-type]  # the column holds only these
            size=size,
            authors=authors,
            sample_text=campaign.sample_text,
            first_seen=campaign.first_seen.replace(tzinfo=UTC),
            last_seen=campaign.last_seen.replace(tzinfo=UTC),
        )


class CampaignPage(BaseModel):
    items: list[CampaignOut]


class CampaignResolveIn(_In):
    action: Literal["hidden", "deleted", "dismissed"]


class CampaignResolveOut(BaseModel):
    id: int
    status: str
    resolved: int = Field(description="How many open comments this request resolved.")
    skipped: list[SkippedOut] = Field(
        default_factory=list,
        description="Open comments left as they are because another key holds a lease on them "
        "(they stay with that moderator, as a single resolve would answer 409).",
    )


# --- keys --------------------------------------------------------------------------------------


class KeyIn(_In):
    role: Literal["score", "moderate", "admin"]
    channels: list[Name] = Field(default_factory=list, max_length=1000)
    name: Name | None = None


class KeyOut(BaseModel):
    name: str
    role: str
    channels: list[str]
    key: str = Field(description="The API key. It is shown only once.")
    created_at: datetime


class KeyInfoOut(BaseModel):
    """A stored key as listed: never its hash, and the key itself is not stored at all."""

    name: str
    role: Literal["score", "moderate", "admin"]
    channels: list[str]
    prefix: str = Field(
        description="The key's public first part (`trg_` and 8 characters): tells which key a "
        "leaked or logged `trg_...` string is."
    )
    created_at: datetime
    revoked_at: datetime | None = Field(description="When it was revoked; null while it works.")

    @classmethod
    def of(cls, key: ApiKey) -> KeyInfoOut:
        """Build from a stored key."""
        return cls(
            name=key.name,
            role=key.role,  # type: ignore[arg-type]  # the column holds only these
            channels=list(key.channels),
            prefix=key.prefix,
            created_at=key.created_at.replace(tzinfo=UTC),
            revoked_at=_out_time(key.revoked_at),
        )


class KeyList(BaseModel):
    items: list[KeyInfoOut]


# --- saved replies -----------------------------------------------------------------------------

#: A saved reply's text (placeholders such as `{author}` are filled in when it is suggested).
ReplyText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]


class ReplyIn(_In):
    channel: Name
    title: Name
    text: ReplyText = Field(
        description="The reply; `{author}` and `{channel}` are filled in when it is suggested."
    )
    lang: Lang | None = Field(None, description="The reply's language, if you want it shown.")


class ReplyPatchIn(_In):
    title: Name | None = None
    text: ReplyText | None = None
    lang: Lang | None = Field(None, description="null clears it.")

    @field_validator("title", "text")
    @classmethod
    def _not_null(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be null (leave it out to keep it)")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the request set."""
        return {k: getattr(self, k) for k in sorted(self.model_fields_set)}


class ReplyOut(BaseModel):
    id: int
    channel: str
    title: str
    text: str = Field(description="As saved, placeholders unfilled.")
    lang: str | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    uses: int = Field(description="How many comments were resolved as replied with it.")
    last_used_at: datetime | None

    @classmethod
    def of(cls, info: Any) -> ReplyOut:
        """Build from a :class:`triage.service.replies.ReplyInfo`."""
        r = info.reply
        return cls(
            id=r.id,
            channel=info.channel,
            title=r.title,
            text=r.text,
            lang=r.lang,
            created_by=r.created_by,
            created_at=r.created_at.replace(tzinfo=UTC),
            updated_by=r.updated_by,
            updated_at=r.updated_at.replace(tzinfo=UTC),
            uses=info.uses,
            last_used_at=_out_time(info.last_used_at),
        )


class ReplyList(BaseModel):
    items: list[ReplyOut]


class SuggestionOut(BaseModel):
    reply_id: int
    title: str
    text: str = Field(description="The reply with `{author}` and `{channel}` filled in.")
    lang: str | None
    score: float = Field(description="Cosine similarity of the comment and the reply (e5).")


class SuggestionList(BaseModel):
    items: list[SuggestionOut] = Field(
        description="Best first; empty when no saved reply is close enough."
    )


# --- webhooks ----------------------------------------------------------------------------------

Event = Literal["comment.urgent", "comment.created", "campaign.detected", "sla.breached"]
assert set(Event.__args__) == set(EVENTS)  # type: ignore[attr-defined]


class WebhookIn(_In):
    channel: Name
    url: Annotated[
        str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_clean)
    ] = Field(description="Where to POST the events: an http:// or https:// URL.")
    events: list[Event] = Field(min_length=1, max_length=len(EVENTS))
    secret: Annotated[
        str, StringConstraints(min_length=16, max_length=200), AfterValidator(_clean)
    ] = Field(
        description="Signs every body: X-Triage-Signature: sha256=<hex HMAC-SHA256 of the raw "
        "body with this secret>. At least 16 characters; never shown again."
    )


class WebhookOut(BaseModel):
    """A webhook as listed: never its secret."""

    id: int
    channel: str
    url: str
    events: list[Event]
    created_by: str
    created_at: datetime
    last_status: Literal["delivered", "retrying", "failed"] | None = Field(
        description="How the latest delivery attempt went (null before the first)."
    )
    last_http_status: int | None = Field(description="The receiver's answer to it, if any.")
    last_error: str | None = Field(description="Why it failed (HTTP status or connection error).")
    last_attempt_at: datetime | None
    pending: int = Field(0, description="Deliveries waiting to be sent or retried.")
    delivered: int = 0
    failed: int = Field(0, description="Deliveries given up after retrying for a day.")

    @classmethod
    def of(cls, hook: Webhook, channel: str, counts: dict[str, int]) -> WebhookOut:
        """Build from a stored webhook, its channel and its outbox counts."""
        return cls(
            id=hook.id,
            channel=channel,
            url=hook.url,
            events=list(hook.events),  # type: ignore[arg-type]
            created_by=hook.created_by,
            created_at=hook.created_at.replace(tzinfo=UTC),
            last_status=hook.last_status,  # type: ignore[arg-type]
            last_http_status=hook.last_http_status,
            last_error=hook.last_error,
            last_attempt_at=_out_time(hook.last_attempt_at),
            pending=counts.get("pending", 0),
            delivered=counts.get("delivered", 0),
            failed=counts.get("failed", 0),
        )


class WebhookList(BaseModel):
    items: list[WebhookOut]


def record_of(result: Any, client_id: str | None = None) -> ScoredOut:
    """A :class:`~triage.types.TriageResult` as a response record."""
    return ScoredOut(id=client_id, **result.to_record(), reasons=list(result.priority.reasons))


# --- analytics (triage.service.stats) -----------------------------------------------------------


class StatsItemOut(BaseModel):
    start: datetime = Field(description="Start of the bucket (UTC; weeks start on Monday).")
    comments: int = Field(description="Comments created in the bucket.")
    by_queue: dict[str, int] = Field(description="Per queue (every queue, zeros included).")
    by_sentiment: dict[str, int]
    by_tag: dict[str, int] = Field(description="Comments with each tag (a comment may have many).")
    by_lang: dict[str, int] = Field(description="Languages of the bucket, most comments first.")
    first_actions: int = Field(description="Comments of the bucket that have had a first action.")
    median_first_action_s: int | None = Field(
        description="Median seconds from created_at to the first claim or resolve (nearest "
        "rank) over those comments; null when none has had one."
    )
    p90_first_action_s: int | None = Field(description="90th percentile of it (nearest rank).")


class QueueResponseOut(BaseModel):
    queue: Queue
    target_s: int | None = Field(
        description="The SLA target of the queue (the channel's, or the default of every "
        "channel without `channel`); null: none."
    )
    comments: int
    first_actions: int
    median_first_action_s: int | None
    p90_first_action_s: int | None
    met: int = Field(description="First acted on within their channel's target.")
    missed: int = Field(
        description="First acted on after it, or still open without an action past it."
    )


class StatsOut(BaseModel):
    channel: str | None = Field(description="The channel asked for; null: all of the key's.")
    bucket: Literal["hour", "day", "week"]
    since: datetime
    until: datetime
    items: list[StatsItemOut] = Field(description="Every bucket of the range, oldest first.")
    response: list[QueueResponseOut] = Field(
        description="Per queue over the whole range: time to first action against the SLA."
    )


class ThemeExampleOut(BaseModel):
    id: int
    channel: str
    text: str
    lang: str
    created_at: datetime


class ThemeOut(BaseModel):
    count: int = Field(description="Complaints of the window in the theme.")
    previous: int = Field(
        description="Complaints of the window before (same length) nearest to this theme."
    )
    change: int = Field(description="count - previous.")
    words: list[str] = Field(description="Top words (class-based TF-IDF), best first.")
    examples: list[ThemeExampleOut] = Field(description="The most typical comments first.")


class ThemesOut(BaseModel):
    channel: str | None
    since: datetime
    until: datetime
    previous_since: datetime = Field(description="Start of the window the change is against.")
    method: Literal["e5", "tfidf"] = Field(
        description="e5: multilingual embeddings (groups across languages); tfidf: the fallback "
        "when the embedder cannot load."
    )
    note: str | None = Field(description="Why the fallback was used; null otherwise.")
    complaints: int = Field(description="Comments tagged complaint in the window.")
    clustered: int = Field(
        description="How many of them were clustered (the most recent, at most "
        "TRIAGE_THEMES_MAX_COMMENTS)."
    )
    unthemed: int = Field(description="Clustered complaints in no theme (a cluster of one).")
    themes: list[ThemeOut] = Field(description="Largest first.")
