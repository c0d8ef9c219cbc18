-- One row per usage day x ranked model (OpenRouter's top 50), with the model behind the
-- permaslug and its share of all the day's tokens, the `other` row included in the total.
with

usage as (
    select * from {{ ref('int_openrouter__usage') }}
),

final as (
    select
        usage_date,
        cast(rank as integer) as rank,
        model_permaslug,
        openrouter_id,
        model_id,
        is_listed,
        developer_id,
        country,
        is_open_weights,
        cast(tokens as decimal(38, 0)) as tokens,
        cast(day_tokens as decimal(38, 0)) as day_tokens,
        cast(tokens as double) / cast(day_tokens as double) as share,
        as_of,
        {{ openrouter_citation('as_of') }} as source_citation
    from usage
    where not is_other
)

select * from final
