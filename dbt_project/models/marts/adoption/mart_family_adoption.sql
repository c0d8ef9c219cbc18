-- Monthly adoption per model family (dim_models.family): derived downloads, their share of the
-- month's downloads of every tracked model, the lifetime counters at the end of the month, and
-- the sample behind them (models, models observed, developers). Only months with observations.
-- From the monthly sums per model of `int_hub__model_downloads_periods` (kept incrementally),
-- not from every daily row of the history: the report read the daily fact for this on every run.
with

monthly as (
    select * from {{ ref('int_hub__model_downloads_periods') }}
    where period_grain = 'month'
),

models as (
    select * from {{ ref('dim_models') }}
),

by_family as (
    select
        monthly.period_start,
        models.family,
        sum(monthly.downloads) as downloads,
        sum(monthly.downloads_all_time) as downloads_all_time,
        count(*) as models,
        count(*) filter (where monthly.observed_days > 0) as models_observed,
        count(distinct models.developer_id) as developers
    from monthly
    inner join models on monthly.model_id = models.model_id
    group by monthly.period_start, models.family
),

final as (
    select
        period_start,
        family,
        cast(downloads as bigint) as downloads,
        downloads / nullif(sum(downloads) over (partition by period_start), 0) as share,
        cast(downloads_all_time as bigint) as downloads_all_time,
        cast(models as integer) as models,
        cast(models_observed as integer) as models_observed,
        cast(developers as integer) as developers
    from by_family
)

select * from final
