-- Per metric, scope and grain: the first period in which China's share exceeded the US share,
-- the two shares then, and the latest period's shares, each with the number of models behind
-- it. A crossover only counts where both sides rest on at least `crossover_min_models` models
-- (var, 5): a share of 100 % against 0 % from one model is not a crossover. A metric where China
-- never led on such a sample has a null crossover period.
with

shares as (
    select * from {{ ref('int_market__shares') }}
),

china_us as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        coalesce(sum(share) filter (where country = 'CN'), 0) as china_share,
        coalesce(sum(share) filter (where country = 'US'), 0) as us_share,
        coalesce(sum(country_models) filter (where country = 'CN'), 0) as china_models,
        coalesce(sum(country_models) filter (where country = 'US'), 0) as us_models,
        max(period_models) as period_models
    from shares
    group by all
),

crossovers as (
    select
        period_grain,
        metric,
        scope,
        min(period_start) filter (
            where
            china_share > us_share
            and china_models >= {{ var('crossover_min_models') }}
            and us_models >= {{ var('crossover_min_models') }}
        ) as crossover_period_start,
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
        cast(at_crossover.china_models as integer) as china_models_at_crossover,
        cast(at_crossover.us_models as integer) as us_models_at_crossover,
        crossovers.latest_period_start,
        latest.china_share as china_share_latest,
        latest.us_share as us_share_latest,
        cast(latest.china_models as integer) as china_models_latest,
        cast(latest.us_models as integer) as us_models_latest,
        cast(latest.period_models as integer) as period_models_latest,
        latest.china_models >= {{ var('crossover_min_models') }}
        and latest.us_models >= {{ var('crossover_min_models') }} as is_latest_comparable
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
