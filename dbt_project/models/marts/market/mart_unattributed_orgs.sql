-- The organisations whose downloads carry no country, ranked by downloads per period.
with

model_periods as (
    select * from {{ ref('int_hub__model_downloads_periods') }}
    where download_days > 0
),

models as (
    select * from {{ ref('int_hub__models') }}
),

registry as (
    select * from {{ ref('developer_registry') }}
),

-- Read again rather than from `model_periods`: a second reference to that CTE would make DuckDB
-- materialise every model-period row before the join below.
period_totals as (
    select
        period_start,
        period_grain,
        sum(downloads) as period_downloads
    from {{ ref('int_hub__model_downloads_periods') }}
    where download_days > 0
    group by period_start, period_grain
),

by_org as (
    select
        model_periods.period_start,
        model_periods.period_grain,
        models.hub_org,
        coalesce(any_value(registry.org_type), 'unregistered') as org_type,
        sum(model_periods.downloads) as downloads,
        count(*) as models
    from model_periods
    inner join models on model_periods.model_id = models.model_id
    left join registry on models.hub_org = registry.hub_org
    where models.country = 'unattributed'
    group by model_periods.period_start, model_periods.period_grain, models.hub_org
),

final as (
    select
        by_org.period_start,
        by_org.period_grain,
        by_org.hub_org,
        by_org.org_type,
        cast(by_org.downloads as bigint) as downloads,
        cast(by_org.models as integer) as models,
        cast(
            case
                when period_totals.period_downloads > 0
                    then by_org.downloads / period_totals.period_downloads
            end
            as double
        ) as share_of_period,
        cast(row_number() over (
            partition by by_org.period_start, by_org.period_grain
            order by by_org.downloads desc, by_org.hub_org asc
        ) as integer) as rank
    from by_org
    inner join period_totals
        on
            by_org.period_start = period_totals.period_start
            and by_org.period_grain = period_totals.period_grain
)

select * from final
