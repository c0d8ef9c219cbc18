-- Per metric, scope and grain: the first period in which China's share exceeded the US share,
-- the two shares then, and the latest period's shares. A metric where China never led has a
-- null crossover period.
with

shares as (
    select * from {{ ref('mart_market_share') }}
),

china_us as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        coalesce(sum(share) filter (where country = 'CN'), 0) as china_share,
        coalesce(sum(share) filter (where country = 'US'), 0) as us_share
    from shares
    group by all
),

crossovers as (
    select
        period_grain,
        metric,
        scope,
        min(period_start) filter (where china_share > us_share) as crossover_period_start,
        max(period_start) as latest_period_start
    from china_us
    group by all
),

final as (
    select
        crossovers.metric,
        crossovers.scope,
        crossovers.period_grain,
        crossovers.crossover_period_start,
        crossovers.crossover_period_start is not null as has_crossed,
        at_crossover.china_share as china_share_at_crossover,
        at_crossover.us_share as us_share_at_crossover,
        crossovers.latest_period_start,
        latest.china_share as china_share_latest,
        latest.us_share as us_share_latest
    from crossovers
    left join china_us as at_crossover
        on
            crossovers.metric = at_crossover.metric
            and crossovers.scope = at_crossover.scope
            and crossovers.period_grain = at_crossover.period_grain
            and crossovers.crossover_period_start = at_crossover.period_start
    inner join china_us as latest
        on
            crossovers.metric = latest.metric
            and crossovers.scope = latest.scope
            and crossovers.period_grain = latest.period_grain
            and crossovers.latest_period_start = latest.period_start
)

select * from final
