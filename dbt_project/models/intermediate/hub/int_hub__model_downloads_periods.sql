-- Each model's derived downloads summed per week and per month: what the market-share periods
-- and the monthly adoption mart read, so that neither regroups every daily row of the whole
-- history on every run. One row per model x grain x period in which the model has a daily row.
--
-- Incremental on DuckDB: the periods holding a daily row derived after this table's newest
-- (`derived_at`: the daily rows a run replaced) are recomputed whole from the daily rows; the
-- pre-hook deletes them inside the build's transaction (dbt's delete+insert on two key columns
-- of a few distinct values joins every old row with every new one). A daily run rebuilds its
-- week and its month. The periods are looked up when the model compiles, so the scan below
-- reads only their days. A table on Spark.
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
