-- A table, not a view: several models read it and it is costly to recompute.
{{ config(materialized='table') }}

-- The events summed per period (week and month), metric, scope and developer: the common
-- ground of the share, crossover and concentration marts. `api_models` counts distinct
-- models: a model offered on every snapshot day of a month is one model that month.
-- Downloads come already summed per model and period (`int_hub__model_downloads_periods`, kept
-- incrementally), not from the events' daily rows: the same sums, without regrouping the whole
-- daily history on every run. A model counts in a period's downloads when it has a derived
-- downloads figure on one of its days, as it has a `downloads` event then.
with

events as (
    select * from {{ ref('int_market__events') }}
    where metric != 'downloads'
),

model_periods as (
    select * from {{ ref('int_hub__model_downloads_periods') }}
    where download_days > 0
),

models as (
    select * from {{ ref('int_hub__models') }}
),

grains as (
    select grain.period_grain
    from (values ('week'), ('month')) as grain (period_grain)
),

downloads as (
    select
        model_periods.period_start,
        model_periods.period_grain,
        scope.scope,
        models.country,
        {{ developer_key('models.developer_id', 'models.hub_org') }} as developer_key,
        model_periods.model_id,
        model_periods.downloads
    from model_periods
    inner join models on model_periods.model_id = models.model_id
    cross join (values ('ecosystem'), ('mainline')) as scope (scope)
    where scope.scope = 'ecosystem' or not models.is_repackaging
),

other_events as (
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
),

downloads_periods as (
    select
        period_start,
        period_grain,
        'downloads' as metric,
        scope,
        country,
        developer_key,
        sum(downloads) as value,
        count(*) as model_count
    from downloads
    group by 1, 2, 4, 5, 6
),

final as (
    select * from other_events
    union all
    select * from downloads_periods
)

select * from final
