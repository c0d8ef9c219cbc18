-- Each model's derived downloads summed per week and per month, for the market periods and
-- mart_adoption.
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_downloads_periods).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='rebuild',
        unique_key=['period_grain', 'period_start'],
        meta={'rebuilt_column': 'period_start'},
        on_schema_change='fail',
    )
}}

with

{% if is_incremental() %}
-- The first day of the daily rows rebuilt in this build: `rebuild_from()`, or the first day of a
-- gap that closes on a rebuilt day, if earlier. Each grain's period of it and every later one
-- is recomputed whole (the `rebuild` strategy replaces them).
rebuilt_from as (
    select least({{ rebuild_from() }}, min(download_date)) as first_day
    from {{ ref('int_hub__model_downloads_daily') }}
    where observed_date >= {{ rebuild_from() }}
),
{% endif %}

daily as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
    {%- if is_incremental() %}
    -- The days of every period that holds a rebuilt day (a week may start in the month before).
    where download_date >= (
        select cast(date_trunc('week', cast(date_trunc('month', first_day) as date)) as date) from rebuilt_from
    )
    {%- endif %}
),

grains as (
    select grain.period_grain
    from (values ('week'), ('month')) as grain (period_grain)
),

dated as (
    select
        grains.period_grain,
        cast(date_trunc(grains.period_grain, daily.download_date) as date) as period_start,
        daily.*
    from daily
    cross join grains
),

final as (
    select
        period_grain,
        period_start,
        model_id,
        cast(sum(downloads) as bigint) as downloads,
        count(downloads) as download_days,
        cast(
            {{ arg_max('downloads_all_time', 'download_date') }}
            filter (where downloads_all_time is not null)
            as bigint
        ) as downloads_all_time,
        count(downloads_all_time) as observed_days,
        max(derived_at) as derived_at
    from dated
    {%- if is_incremental() %}
    where period_start >= cast(date_trunc(period_grain, (select first_day from rebuilt_from)) as date)
    {%- endif %}
    group by 1, 2, 3
)

select * from final
