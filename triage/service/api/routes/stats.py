"""Analytics for the pages: ``GET /v1/stats`` (the series, JSON or CSV) and
``GET /v1/stats/themes`` (complaint themes). The logic is in :mod:`triage.service.stats`."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from triage.service import stats
from triage.service.api.deps import PrincipalDep, StateDep
from triage.service.api.schemas import (
    Name,
    QueueResponseOut,
    StatsItemOut,
    StatsOut,
    ThemeExampleOut,
    ThemeOut,
    ThemesOut,
    Time,
)

router = APIRouter(prefix="/v1/stats", tags=["stats"])

Channel = Annotated[
    Name | None, Query(description="Only this channel (default: all of the key's).")
]


@router.get(
    "",
    response_model=StatsOut,
    summary="Comments over time: volume, queues, sentiment, tags, languages, response times",
    responses={200: {"content": {"text/csv": {}}}},
)
def series(
    principal: PrincipalDep,
    state: StateDep,
    channel: Channel = None,
    since: Annotated[
        Time | None,
        Query(
            description="ISO 8601 (naive: UTC). Default: 48 h, 30 days or 12 weeks before until."
        ),
    ] = None,
    until: Annotated[Time | None, Query(description="ISO 8601, excluded. Default: now.")] = None,
    bucket: Annotated[
        Literal["hour", "day", "week"], Query(description="Width of a bucket (UTC).")
    ] = "day",
    format: Annotated[  # noqa: A002 (the query parameter's name)
        Literal["json", "csv"], Query(description="csv: the series as a CSV download.")
    ] = "json",
) -> StatsOut | StreamingResponse:
    """Comments counted per bucket by `created_at` (given at ingest, else arrival), every
    bucket of `[since, until)` listed (at most 1000), with the median and 90th percentile of
    the time to the first action (claim or resolve) of the comments created in it; and per
    queue over the range, the same against the SLA target.

    Needs a `moderate` key (its channels; 403 for another channel) or an `admin` key."""
    result = stats.series(
        state.db,
        state.settings,
        principal,
        channel=channel,
        since=since,
        until=until,
        bucket=bucket,
    )
    if format == "csv":
        name = f"triage-stats-{bucket}-{result.since:%Y%m%d}-{result.until:%Y%m%d}.csv"
        return StreamingResponse(
            stats.series_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return StatsOut(
        channel=result.channel,
        bucket=bucket,
        since=result.since.replace(tzinfo=UTC),
        until=result.until.replace(tzinfo=UTC),
        items=[StatsItemOut(**stats.item_record(b)) for b in result.items],
        response=[
            QueueResponseOut(
                queue=queue,
                target_s=target,
                comments=r.comments,
                first_actions=r.first_action.count,
                median_first_action_s=r.first_action.median_s,
                p90_first_action_s=r.first_action.p90_s,
                met=r.met,
                missed=r.missed,
            )
            for queue, (target, r) in result.response.items()
        ],
    )


@router.get("/themes", response_model=ThemesOut, summary="What the complaints are about")
def themes(
    principal: PrincipalDep,
    state: StateDep,
    channel: Channel = None,
    since: Annotated[
        Time | None, Query(description="ISO 8601 (naive: UTC). Default: 7 days before until.")
    ] = None,
    until: Annotated[Time | None, Query(description="ISO 8601, excluded. Default: now.")] = None,
) -> ThemesOut:
    """The comments tagged complaint in `[since, until)`, clustered across languages with the
    multilingual e5 embeddings (the most recent `TRIAGE_THEMES_MAX_COMMENTS` of them; each is
    embedded once and stored), each theme named by its most typical comments and its top
    words, with the change from the window of the same length before.

    The first call on new complaints embeds them (about 20 a second on one core). When the
    embedder cannot load, the themes come from TF-IDF of the text (`method: tfidf`, `note`
    says why). Needs a `moderate` key (its channels) or an `admin` key."""
    report = stats.themes(
        state.db,
        state.pipeline,
        state.settings,
        principal,
        channel=channel,
        since=since,
        until=until,
    )
    out = []
    for t in report.themes:
        examples = [report.examples[i] for i in t.examples]
        out.append(
            ThemeOut(
                count=t.count,
                previous=t.previous,
                change=t.count - t.previous,
                words=list(t.words),
                examples=[
                    ThemeExampleOut(
                        id=cid, channel=ch, text=text, lang=lang, created_at=at.replace(tzinfo=UTC)
                    )
                    for cid, ch, text, lang, at in examples
                ],
            )
        )
    return ThemesOut(
        channel=report.channel,
        since=report.since.replace(tzinfo=UTC),
        until=report.until.replace(tzinfo=UTC),
        previous_since=report.previous_since.replace(tzinfo=UTC),
        method=report.method,  # type: ignore[arg-type]
        note=report.note,
        complaints=report.complaints,
        clustered=report.embedded,
        unthemed=report.unthemed,
        themes=out,
    )
