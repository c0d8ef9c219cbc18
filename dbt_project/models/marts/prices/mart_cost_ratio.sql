-- The daily list price of each OpenRouter model and tier with its reference price: selected
-- from `int_prices__cost_ratio`, where the calendar and the pairing live.
with

cost_ratio as (
    select * from {{ ref('int_prices__cost_ratio') }}
),

final as (
    select
        price_date,
        model_id,
        price_tier,
        price_source,
        developer_id,
        country,
        is_open_weights,
        is_text_model,
        hub_model_id,
        price_status,
        has_overrides,
        {{ usd_per_mtok('input_usd_per_mtok') }} as input_usd_per_mtok,
        {{ usd_per_mtok('output_usd_per_mtok') }} as output_usd_per_mtok,
        {{ usd_per_mtok('blended_usd_per_mtok') }} as blended_usd_per_mtok,
        comparison_class,
        reference_model_id,
        reference_price_source,
        {{ usd_per_mtok('reference_blended_usd_per_mtok') }} as reference_blended_usd_per_mtok,
        times_cheaper_than_reference
    from cost_ratio
)

select * from final
