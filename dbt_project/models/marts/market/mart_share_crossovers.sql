-- When China overtook the US, per metric, scope and grain: selected from
-- `int_market__crossovers`, where the rule lives.
with

crossovers as (
    select * from {{ ref('int_market__crossovers') }}
),

final as (
    select
        metric,
        scope,
        period_grain,
        crossover_period_start,
        has_crossed,
        china_share_at_crossover,
        us_share_at_crossover,
        latest_period_start,
        china_share_latest,
        us_share_latest,
        china_models_at_crossover,
        us_models_at_crossover,
        china_models_latest,
        us_models_latest,
        period_models_latest,
        is_latest_comparable
    from crossovers
)

select * from final
