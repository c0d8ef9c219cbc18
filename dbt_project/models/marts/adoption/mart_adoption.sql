-- Monthly adoption per developer: derived downloads, a running total, the lifetime counters at
-- the end of the month, how many models were observed and how many were created. Only months
-- with observations: new models of the months before the first snapshot are in
-- mart_market_share (metric `new_models`), where no download figure sits empty beside them.
-- The monthly sums per model come from `int_hub__model_downloads_periods` (kept incrementally),
-- not from every daily row of the history on every run.
with

monthly as (
    select * from {{ ref('int_hub__model_downloads_periods') }}
    where period_grain = 'month'
),

models as (
    select * from {{ ref('dim_models') }}
),

developers as (
    select * from {{ ref('dim_developers') }}
),

monthly_models as (
    select
        period_start,
        model_id,
        downloads,
        downloads_all_time,
        observed_days > 0 as was_observed
    from monthly
),

downloads_by_developer as (
    select
        monthly_models.period_start,
        models.developer_id,
        sum(monthly_models.downloads) as downloads,
        sum(monthly_models.downloads_all_time) as downloads_all_time,
        count(*) filter (where monthly_models.was_observed) as models_observed
    from monthly_models
    inner join models on monthly_models.model_id = models.model_id
    group by all
),

new_models_by_developer as (
    select
        cast(date_trunc('month', created_date) as date) as period_start,
        developer_id,
        count(*) as new_models
    from models
    where created_date is not null
    group by all
),

combined as (
    select
        downloads_by_developer.period_start,
        downloads_by_developer.developer_id,
        downloads_by_developer.downloads,
        downloads_by_developer.downloads_all_time,
        coalesce(downloads_by_developer.models_observed, 0) as models_observed,
        coalesce(new_models_by_developer.new_models, 0) as new_models
    from downloads_by_developer
    left join new_models_by_developer
        on
            downloads_by_developer.period_start = new_models_by_developer.period_start
            and downloads_by_developer.developer_id = new_models_by_developer.developer_id
),

final as (
    select
        combined.period_start,
        combined.developer_id,
        developers.developer_name,
        developers.country,
        cast(combined.downloads as bigint) as downloads,
        cast(
            sum(combined.downloads) over (
                partition by combined.developer_id
                order by combined.period_start
                rows between unbounded preceding and current row
            ) as bigint
        ) as cumulative_downloads,
        cast(combined.downloads_all_time as bigint) as downloads_all_time,
        cast(combined.models_observed as integer) as models_observed,
        cast(combined.new_models as integer) as new_models
    from combined
    inner join developers on combined.developer_id = developers.developer_id
)

select * from final
