-- The evidence for every Hub snapshot day: whether the source refreshed its counters, and the
-- day a stale snapshot repeats. Selected from `int_hub__snapshot_days`, where the rule lives.
with

days as (
    select * from {{ ref('int_hub__snapshot_days') }}
),

final as (
    select
        snapshot_date,
        cast(models as integer) as models,
        cast(compared_models as integer) as compared_models,
        cast(moving_models as integer) as moving_models,
        cast(unchanged_models as integer) as unchanged_models,
        unchanged_share,
        is_stale,
        staleness,
        repeats_snapshot_date
    from days
)

select * from final
