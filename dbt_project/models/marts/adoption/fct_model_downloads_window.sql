-- The 30-day `downloads` of snapshot days without the lifetime counter (old hub-stats
-- revisions), labelled as a 30-day-window measure: kept apart from the counter differences.
with

snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
),

newest_fetch as (
    select *
    from snapshots
    qualify fetched_at = max(fetched_at) over (partition by snapshot_date)
),

final as (
    select
        model_id,
        hub_org,
        snapshot_date,
        cast(snapshot_date - interval 29 day as date) as window_start_date,
        cast(downloads_30d as bigint) as downloads_30d,
        'hub_30d_window' as downloads_method
    from newest_fetch
    where downloads_all_time is null and downloads_30d is not null
)

select * from final
