-- One observation per model per snapshot day: the newest fetch of each day wins whole (a model
-- missing from the newest fetch is not resurrected from an older one), and rows without a
-- lifetime counter are not observations of it.
--
-- Each observation is compared with the model's previous one: `is_unchanged` when the lifetime
-- counter did not move, `was_moving` when it had moved within the model's three observations
-- before. `int_hub__snapshot_days` reads both to tell a stale snapshot (the source did not
-- refresh) from a quiet day.
--
-- Incremental runs rebuild the days from the run's first day on, replaced whole (delete+insert
-- on the date): a day's comparisons read the model's observations before it, so a backfilled or
-- re-fetched day changes the days after it too (a daily run's days are the newest: only they).
-- Each model's last three observations before those days are read back from this table as
-- anchors, so every rebuilt row is computed exactly as a full build computes it.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='snapshot_date',
        on_schema_change='fail',
    )
}}

with

snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
    {% if is_incremental() %}
        where snapshot_date >= {{ partition_start_date() }}
    {% endif %}
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

{% if is_incremental() %}
anchors as (
    select
        model_id,
        snapshot_date,
        downloads_all_time
    from {{ this }}
    where snapshot_date < {{ partition_start_date() }}
    qualify row_number() over (partition by model_id order by snapshot_date desc) <= 3
),
{% endif %}

series as (
    select
        *,
        true as is_rebuilt
    from observed
    {% if is_incremental() %}
        union all by name
        select
            *,
            false as is_rebuilt
        from anchors
    {% endif %}
),

compared as (
    select
        *,
        lag(downloads_all_time) over by_model as previous_downloads_all_time,
        min(downloads_all_time) over recent as recent_min,
        max(downloads_all_time) over recent as recent_max
    from series
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
    where is_rebuilt
)

select * from observations
