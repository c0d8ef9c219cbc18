-- A table, not a view: several models read it and it is costly to recompute.
{{ config(materialized='table') }}

-- The events summed per period (week and month), metric, scope and developer: the common
-- ground of the share, crossover and concentration marts. `api_models` counts distinct
-- models: a model offered on every snapshot day of a month is one model that month.
with

events as (
    select * from {{ ref('int_market__events') }}
),

grains as (
    select grain.period_grain
    from (values ('week'), ('month')) as grain (period_grain)
),

final as (
    select
        cast(date_trunc(grains.period_grain, events.event_date) as date) as period_start,
        grains.period_grain,
        events.metric,
        events.scope,
        events.country,
        events.developer_key,
        case
            when events.metric = 'api_models' then count(distinct events.model_id)
            else sum(events.value)
        end as value,
        -- The sample behind the value: a model belongs to one developer and one country, so
        -- these counts add up exactly across developers and countries.
        count(distinct events.model_id) as model_count
    from events
    cross join grains
    group by 1, 2, 3, 4, 5, 6
)

select * from final
