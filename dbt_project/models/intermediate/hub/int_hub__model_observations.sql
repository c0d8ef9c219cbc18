-- One observation per model per snapshot day (the newest fetch of a day wins), compared with
-- the model's previous one.
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_observations).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='rebuild',
        meta={'rebuilt_column': 'snapshot_date'},
        on_schema_change='append_new_columns',
        post_hook="{{ write_model_recent() }}",
    )
}}
{%- set kept_recent = kept_model_recent() %}
{#- A model seen in the rebuilt days whose state holds fewer than three observations before them,
    and not all it has. Without the snapshots as a table (a unit test's are a fixture), the
    history is read. #}
{%- set snapshots_relation = queryable(ref('stg_hub__model_snapshots')) if kept_recent is not none else none %}
{%- set read_history = kept_recent is none or snapshots_relation is none or any_row(
    'select 1 from ' ~ kept_recent ~ ' where not complete and len(' ~ recent_before('recent') ~ ') < 3'
    ~ ' and model_id in (select model_id from ' ~ snapshots_relation ~ ' where snapshot_date >= ' ~ rebuild_from() ~ ')'
) %}

with

snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
    {%- if is_incremental() %}
    where snapshot_date >= {{ rebuild_from() }}
    {%- endif %}
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
-- The last three kept observations (before the rebuilt days) of each model seen in them: from
-- the kept state (`int_hub__model_recent`), and for a model whose state holds fewer than three
-- before the rebuilt days but which has more (a rerun of over three days, an eviction), or when
-- there is no state, from the history.
{%- if kept_recent is not none %}
-- Every model's state, not only those seen in the rebuilt days: filtering by `observed` would
-- read it twice, which makes DuckDB materialise it (docs/incremental.md); a model not seen adds
-- no row.
state as (
    select
        model_id,
        {{ recent_before('recent') }} as before,
        complete
    from {{ kept_recent }}
),
{%- endif %}

stored_recent as (
    {%- if kept_recent is not none %}
    select
        model_id,
        list_transform(
            list_slice(before, 1, 3),
            lambda e: {'snapshot_date': e.snapshot_date, 'downloads_all_time': e.downloads_all_time}
        ) as recent
    from state
    where len(before) >= 3 or complete
    {%- endif %}
    {%- if read_history %}
    {%- if kept_recent is not none %}
    union all
    {%- endif %}
    select
        model_id,
        max_by({'snapshot_date': snapshot_date, 'downloads_all_time': downloads_all_time}, snapshot_date, 3)
            as recent
    from {{ this }}
    where
        snapshot_date < {{ rebuild_from() }}
        and model_id in (
            select model_id from {{ ref('stg_hub__model_snapshots') }}
            where snapshot_date >= {{ rebuild_from() }}
        )
        {%- if kept_recent is not none %}
        and model_id in (select state.model_id from state where len(state.before) < 3 and not state.complete)
        {%- endif %}
    group by model_id
    {%- endif %}
),

anchors as (
    select
        model_id,
        entry.snapshot_date,
        entry.downloads_all_time
    from (select model_id, unnest(recent) as entry from stored_recent)
),
{% endif %}

series as (
    select
        *,
        true as is_rebuilt
    from observed
    {%- if is_incremental() %}
    union all by name
    select
        *,
        false as is_rebuilt
    from anchors
    {%- endif %}
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
        coalesce(recent_max > recent_min, false) as was_moving,
        -- When the row was built (the dbt invocation's start): `int_hub__model_observed` reads
        -- the rows built since its own last build.
        {{ build_stamp() }} as built_at
    from compared
    where is_rebuilt
)

select * from observations
