-- One row per snapshot day: did the source refresh its counters?
--
-- The Hub's lifetime counters of the tracked models move every day; a snapshot whose counters
-- mostly did not is a stale copy of an earlier day, in whole or in part, not a day without
-- downloads (see docs/quality.md for the measurements). The share is taken over the models
-- whose counter was moving (it moved within their three observations before), so models that
-- truly get no downloads never make a day look stale; on the first days, when no model has a
-- history yet, it is taken over every model compared with a previous observation.
-- A stale day's unchanged observations carry no weight downstream: the downloads of the gap are
-- spread over the days between real observations.
with

observations as (
    select * from {{ ref('int_hub__model_observations') }}
),

days as (
    select
        snapshot_date,
        count(*) as models,
        count(*) filter (where has_previous_observation) as compared_models,
        count(*) filter (where was_moving) as moving_models,
        count(*) filter (where was_moving and is_unchanged) as moving_unchanged_models,
        count(*) filter (where is_unchanged) as unchanged_models
    from observations
    group by snapshot_date
),

shares as (
    select
        *,
        case
            when moving_models > 0
                then cast(moving_unchanged_models as decimal(18, 6)) / moving_models
            when compared_models > 0
                then cast(unchanged_models as decimal(18, 6)) / compared_models
        end as unchanged_share,
        lag(snapshot_date) over (order by snapshot_date) as previous_snapshot_date
    from days
),

final as (
    select
        snapshot_date,
        models,
        compared_models,
        moving_models,
        unchanged_models,
        cast(round(unchanged_share, 4) as decimal(9, 4)) as unchanged_share,
        coalesce(unchanged_share > {{ var('stale_unchanged_share') }}, false) as is_stale,
        case
            when unchanged_share >= 0.99 then 'stale'
            when unchanged_share > {{ var('stale_unchanged_share') }} then 'partly_stale'
            else 'fresh'
        end as staleness,
        case
            when unchanged_share > {{ var('stale_unchanged_share') }} then previous_snapshot_date
        end as repeats_snapshot_date
    from shares
)

select * from final
