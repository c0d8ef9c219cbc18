-- Per month x country x open/closed x tier, over priced text models: how many, the median and
-- the cheapest blended price, and how many times the US closed median exceeds the Chinese open
-- median that month. Each model counts once a month, at its price on the last day it had one.
with

daily as (
    select * from {{ ref('int_prices__cost_ratio') }}
),

month_end_prices as (
    select
        cast(date_trunc('month', price_date) as date) as period_start,
        model_id,
        price_tier,
        country,
        is_open_weights,
        blended_usd_per_mtok
    from daily
    where is_text_model and price_status = 'priced'
    qualify row_number() over (
        partition by date_trunc('month', price_date), model_id, price_tier
        order by price_date desc
    ) = 1
),

groups as (
    select
        period_start,
        country,
        is_open_weights,
        price_tier,
        cast(count(*) as integer) as model_count,
        {{ usd_per_mtok('median(blended_usd_per_mtok)') }} as median_blended_usd_per_mtok,
        {{ usd_per_mtok('min(blended_usd_per_mtok)') }} as min_blended_usd_per_mtok
    from month_end_prices
    group by period_start, country, is_open_weights, price_tier
),

gaps as (
    select
        period_start,
        price_tier,
        cast(
            any_value(median_blended_usd_per_mtok) filter (where country = 'US' and not is_open_weights)
            as double
        )
        / cast(
            any_value(median_blended_usd_per_mtok) filter (where country = 'CN' and is_open_weights)
            as double
        ) as us_closed_to_cn_open_median_ratio
    from groups
    group by period_start, price_tier
),

final as (
    select
        groups.period_start,
        groups.country,
        groups.is_open_weights,
        groups.price_tier,
        groups.model_count,
        groups.median_blended_usd_per_mtok,
        groups.min_blended_usd_per_mtok,
        gaps.us_closed_to_cn_open_median_ratio
    from groups
    inner join gaps
        on
            groups.period_start = gaps.period_start
            and groups.price_tier = gaps.price_tier
)

select * from final
