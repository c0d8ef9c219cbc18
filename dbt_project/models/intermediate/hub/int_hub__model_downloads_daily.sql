{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='rebuild',
        meta={'rebuilt_column': 'observed_date'},
        on_schema_change='fail',
    )
}}
{%- set kept_recent = kept_model_recent() %}
{#- A rebuilt model whose state holds no observation before the rebuilt days but a stale day's
    unchanged counter, and not all it has. Without the stale days and the observations as tables
    (a unit test's are fixtures), the history is read. #}
{%- set stale_relation = queryable(ref('int_hub__snapshot_days')) if kept_recent is not none else none %}
{%- set observations_relation = queryable(ref('int_hub__model_observations')) if kept_recent is not none else none %}
{%- set read_history = kept_recent is none or stale_relation is none or observations_relation is none or any_row(
    'select 1 from ' ~ kept_recent ~ ' as recent cross join (select coalesce(list(snapshot_date), cast([] as date[])) as days from '
    ~ stale_relation ~ ' where is_stale) as stale where not recent.complete and len(list_filter(recent.recent, lambda e: e.snapshot_date < '
    ~ rebuild_from() ~ ' and not (e.is_unchanged and list_contains(stale.days, e.snapshot_date)))) = 0'
    ~ ' and recent.model_id in (select model_id from ' ~ observations_relation ~ ' where snapshot_date >= ' ~ rebuild_from() ~ ')'
) %}

-- Daily downloads derived from the lifetime counter of daily snapshots.
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_downloads_daily).

with

stale_days as (
    select snapshot_date from {{ ref('int_hub__snapshot_days') }}
    where is_stale
),

-- A stale day's unchanged counters repeat an earlier day: they are not observations, and the
-- downloads of their gap are spread between the real observations around them.
observations as {{ not_materialized() }} (
    select
        observed.model_id,
        observed.snapshot_date,
        observed.downloads_all_time
    from {{ ref('int_hub__model_observations') }} as observed
    where not (
        observed.is_unchanged
        and observed.snapshot_date in (select stale_days.snapshot_date from stale_days)
    )
),

{% if is_incremental() %}
-- The rebuilt days' observations, and each of their models' last observation before them (its
-- anchor, not emitted): every gap that closes on a rebuilt day is spread again whole.
rebuilt as (
    select * from observations
    where snapshot_date >= {{ rebuild_from() }}
),

{%- if kept_recent is not none %}
-- Each rebuilt model's last observation before the rebuilt days, from the state of the
-- observations (`int_hub__model_recent`, already updated in this build). A model whose state
-- holds none before the rebuilt days but which has more (a rerun of many days, a run of stale
-- days) is looked up in the history.
stale_list as (
    select coalesce(list(snapshot_date), cast([] as date[])) as days from stale_days
),

state as (
    select
        recent.model_id,
        recent.complete,
        list_filter(
            recent.recent,
            lambda e: e.snapshot_date < {{ rebuild_from() }}
                and not (e.is_unchanged and list_contains(stale_list.days, e.snapshot_date))
        ) as before
    from {{ kept_recent }} as recent
    cross join stale_list
    where recent.model_id in (select rebuilt.model_id from rebuilt)
),

{%- if read_history %}

history_models as (
    select distinct rebuilt.model_id from rebuilt
    where rebuilt.model_id not in (
        select state.model_id from state
        where len(state.before) > 0 or state.complete
    )
),
{%- endif %}
{%- endif %}

anchor_before as (
    {%- if kept_recent is not none %}
    select
        model_id,
        before[1].snapshot_date as snapshot_date,
        before[1].downloads_all_time as downloads_all_time
    from state
    where len(before) > 0
    {%- endif %}
    {%- if read_history %}
    {%- if kept_recent is not none %}
    union all
    {%- endif %}
    select
        observations.model_id,
        max(observations.snapshot_date) as snapshot_date,
        {{ arg_max('observations.downloads_all_time', 'observations.snapshot_date') }} as downloads_all_time
    from observations
    where
        observations.snapshot_date < {{ rebuild_from() }}
        {%- if kept_recent is not none %}
        and observations.model_id in (select history_models.model_id from history_models)
        {%- else %}
        and observations.model_id in (select rebuilt.model_id from rebuilt)
        {%- endif %}
    group by observations.model_id
    {%- endif %}
),

series as (
    select * from rebuilt
    union all
    select * from anchor_before
),
{% else %}
series as (
    select * from observations
),
{% endif %}

pairs as (
    select
        model_id,
        snapshot_date as observed_date,
        downloads_all_time,
        lag(snapshot_date) over by_model as previous_date,
        lag(downloads_all_time) over by_model as previous_downloads_all_time
    from series
    window by_model as (partition by model_id order by snapshot_date)
),

first_observations as (
    select
        model_id,
        observed_date,
        observed_date as download_date,
        downloads_all_time,
        cast(null as bigint) as downloads,
        false as is_interpolated,
        false as is_counter_correction,
        cast(null as integer) as observation_gap_days
    from pairs
    where previous_date is null
),

gaps as (
    select
        model_id,
        previous_date,
        observed_date,
        downloads_all_time,
        cast({{ dbt.datediff('previous_date', 'observed_date', 'day') }} as integer) as gap_days,
        downloads_all_time - previous_downloads_all_time as increase
    from pairs
    where previous_date is not null
),

spread as (
    select
        gaps.model_id,
        gaps.observed_date,
        cast(gaps.previous_date + cast(steps.step as integer) as date) as download_date,
        case when steps.step = gaps.gap_days then gaps.downloads_all_time end as downloads_all_time,
        case
            when gaps.increase < 0 then 0
            else
                {{ integer_divide('gaps.increase * steps.step', 'gaps.gap_days') }}
                - {{ integer_divide('gaps.increase * (steps.step - 1)', 'gaps.gap_days') }}
        end as downloads,
        gaps.gap_days > 1 as is_interpolated,
        gaps.increase < 0 and steps.step = gaps.gap_days as is_counter_correction,
        gaps.gap_days as observation_gap_days
    from gaps
    cross join {{ unnest_table(integer_range('1', 'gaps.gap_days')) }} as steps (step)
),

daily as (
    select * from first_observations
    union all
    select * from spread
),

final as (
    select
        daily.model_id,
        daily.download_date,
        -- The observation whose gap the row belongs to: a rebuild replaces the rows of the gaps
        -- that close on its days (the `rebuild` strategy deletes them by this column).
        daily.observed_date,
        cast(daily.downloads_all_time as bigint) as downloads_all_time,
        cast(daily.downloads as bigint) as downloads,
        daily.is_interpolated,
        daily.is_counter_correction,
        daily.observation_gap_days,
        -- When this row was derived (the dbt invocation's start): the period sums downstream
        -- (`int_hub__model_downloads_periods`) recompute the periods of rows newer than theirs.
        {{ build_stamp() }} as derived_at
    from daily
    {%- if is_incremental() %}
    where daily.observed_date >= {{ rebuild_from() }}
    {%- endif %}
)

select * from final
