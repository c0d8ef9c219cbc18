-- OpenRouter's daily top 50 with each model's share of the day's tokens: selected from
-- `int_openrouter__top_models`.
with

top_models as (
    select * from {{ ref('int_openrouter__top_models') }}
),

final as (
    select
        usage_date,
        rank,
        model_permaslug,
        openrouter_id,
        model_id,
        is_listed,
        developer_id,
        country,
        is_open_weights,
        cast(tokens as bigint) as tokens,
        cast(day_tokens as bigint) as day_tokens,
        share,
        as_of,
        source_citation
    from top_models
)

select * from final
