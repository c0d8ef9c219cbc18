-- The cost ratio of each reference pair per day and month: selected from
-- `int_prices__pair_cost_ratio`.
with

pair_ratios as (
    select * from {{ ref('int_prices__pair_cost_ratio') }}
),

final as (
    select
        period_start,
        period_grain,
        model_id,
        reference_model_id,
        comparison_class,
        price_tier,
        model_price_source,
        reference_price_source,
        {{ usd_per_mtok('model_blended_usd_per_mtok') }} as model_blended_usd_per_mtok,
        {{ usd_per_mtok('reference_blended_usd_per_mtok') }} as reference_blended_usd_per_mtok,
        times_cheaper,
        times_cheaper_min,
        times_cheaper_max,
        days_compared,
        days_priced,
        last_compared_date
    from pair_ratios
)

select * from final
