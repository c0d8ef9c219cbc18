-- Every change of an OpenRouter list price, first-class: selected from
-- `int_openrouter__price_changes`, where a change is defined, with its direction.
with

changes as (
    select * from {{ ref('int_openrouter__price_changes') }}
),

final as (
    select
        model_id,
        price_tier,
        change_date,
        previous_listed_date,
        cast({{ dbt.datediff('previous_price_since', 'change_date', 'day') }} as integer) as previous_price_held_days,
        developer_id,
        country,
        is_open_weights,
        is_text_model,
        previous_price_status,
        price_status,
        {{ usd_per_mtok('previous_input_usd_per_mtok') }} as previous_input_usd_per_mtok,
        {{ usd_per_mtok('input_usd_per_mtok') }} as input_usd_per_mtok,
        {{ usd_per_mtok('previous_output_usd_per_mtok') }} as previous_output_usd_per_mtok,
        {{ usd_per_mtok('output_usd_per_mtok') }} as output_usd_per_mtok,
        {{ usd_per_mtok('previous_blended_usd_per_mtok') }} as previous_blended_usd_per_mtok,
        {{ usd_per_mtok('blended_usd_per_mtok') }} as blended_usd_per_mtok,
        case
            when previous_price_status != price_status then 'status'
            when blended_usd_per_mtok < previous_blended_usd_per_mtok then 'cut'
            when blended_usd_per_mtok > previous_blended_usd_per_mtok then 'rise'
            else 'mixed'
        end as direction
    from changes
)

select * from final
