-- Each model's derived downloads summed per week and per month, for the market periods and
-- mart_adoption.
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_downloads_periods).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ downloads_periods_delete_changed() }}",
    )
}}
{%- set changed = downloads_changed_periods() %}

with

daily as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
    {%- if changed is not none %}
    where download_date >= {{ changed[0] if changed else "date '9999-12-31'" }}
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
    {%- if changed is not none %}
    where {{ in_periods(changed[1]) }}
    {%- endif %}
    group by 1, 2, 3
)

select * from final
