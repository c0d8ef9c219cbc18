-- One observation per model per snapshot day: the newest fetch of each day wins whole (a model
-- missing from the newest fetch is not resurrected from an older one), and rows without a
-- lifetime counter are not observations of it.
with

snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
),

newest_fetch as (
    select *
    from snapshots
    qualify fetched_at = max(fetched_at) over (partition by snapshot_date)
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
        children_model_count
    from newest_fetch
    where downloads_all_time is not null
)

select * from observations
