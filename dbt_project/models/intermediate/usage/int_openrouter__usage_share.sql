-- Each country's share of OpenRouter's tokens per day, week (ISO, from Monday) and month, open
-- and closed apart. The `other` row (every model outside the day's top 50) is its own bucket,
-- country `outside_top_50`, never dropped or spread: shares sum to 1 per period. A week or
-- month says how many of its days have rankings (`days_covered` of `days_in_period`).
with

usage as (
    select * from {{ ref('int_openrouter__usage') }}
),

grains as (
    select grain.period_grain
    from (values ('day'), ('week'), ('month')) as grain (period_grain)
),

periodised as (
    select
        grains.period_grain,
        cast(
            case grains.period_grain
                when 'day' then usage.usage_date
                when 'week' then date_trunc('week', usage.usage_date)
                else date_trunc('month', usage.usage_date)
            end as date
        ) as period_start,
        usage.*
    from usage
    cross join grains
),

periods as (
    select
        period_grain,
        period_start,
        sum(tokens) as period_tokens,
        count(distinct usage_date) as days_covered,
        count(distinct model_permaslug) filter (where not is_other) as period_models,
        max(as_of) as as_of
    from periodised
    group by period_grain, period_start
),

buckets as (
    select
        period_grain,
        period_start,
        country,
        is_open_weights,
        sum(tokens) as tokens,
        count(distinct model_permaslug) filter (where not is_other) as bucket_models
    from periodised
    group by period_grain, period_start, country, is_open_weights
),

final as (
    select
        buckets.period_start,
        buckets.period_grain,
        buckets.country,
        buckets.is_open_weights,
        cast(buckets.tokens as decimal(38, 0)) as tokens,
        cast(buckets.tokens as double) / cast(periods.period_tokens as double) as share,
        cast(periods.period_tokens as decimal(38, 0)) as period_tokens,
        cast(buckets.bucket_models as integer) as bucket_models,
        cast(periods.period_models as integer) as period_models,
        cast(periods.days_covered as integer) as days_covered,
        cast(
            case buckets.period_grain
                when 'day' then 1
                when 'week' then 7
                else {{ dbt.datediff('buckets.period_start', dbt.dateadd('month', 1, 'buckets.period_start'), 'day') }}
            end as integer
        ) as days_in_period,
        periods.as_of,
        {{ openrouter_citation('periods.as_of') }} as source_citation
    from buckets
    inner join periods
        on
            buckets.period_grain = periods.period_grain
            and buckets.period_start = periods.period_start
)

select * from final
