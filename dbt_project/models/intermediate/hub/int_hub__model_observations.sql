-- One observation per model per snapshot day: the newest fetch of each day wins whole (a model
-- missing from the newest fetch is not resurrected from an older one), and rows without a
-- lifetime counter are not observations of it.
--
-- Each observation is compared with the model's previous one: `is_unchanged` when the lifetime
-- counter did not move, `was_moving` when it had moved within the model's three observations
-- before. `int_hub__snapshot_days` reads both to tell a stale snapshot (the source did not
-- refresh) from a quiet day.
with

snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
),

newest_fetch as (
    select *
    from snapshots
    qualify fetched_at = max(fetched_at) over (partition by snapshot_date)
),

observed as (
    select *
    from newest_fetch
    where downloads_all_time is not null
),

compared as (
    select
        *,
        lag(downloads_all_time) over by_model as previous_downloads_all_time,
        min(downloads_all_time) over recent as recent_min,
        max(downloads_all_time) over recent as recent_max
    from observed
    window
        by_model as (partition by model_id order by snapshot_date),
        recent as (
            partition by model_id order by snapshot_date
            rows between 3 preceding and 1 preceding
        )
),

observations as (
    select
        model_id,
        hub_org,
        snapshot_date,
        fetched_at,
        downloads_all_time,
        downloads_30d,
        likes,
        created_at,
        pipeline_tag,
        library_name,
        tags,
        safetensors_parameter_count,
        children_model_count,
        previous_downloads_all_time is not null as has_previous_observation,
        coalesce(downloads_all_time = previous_downloads_all_time, false) as is_unchanged,
        coalesce(recent_max > recent_min, false) as was_moving
    from compared
)

select * from observations
