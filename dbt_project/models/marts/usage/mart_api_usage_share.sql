-- Each country's share of OpenRouter's tokens per day, week and month: selected from
-- `int_openrouter__usage_share`, where the periods and buckets are computed.
with

usage_share as (
    select * from {{ ref('int_openrouter__usage_share') }}
),

final as (
    select
        period_start,
        period_grain,
        country,
        is_open_weights,
        cast(tokens as bigint) as tokens,
        share,
        cast(period_tokens as bigint) as period_tokens,
        bucket_models,
        period_models,
        days_covered,
        days_in_period,
        as_of,
        source_citation
    from usage_share
)

select * from final
