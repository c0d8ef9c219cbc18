-- How concentrated each metric is among developers, per period: the Herfindahl-Hirschman index
-- (the sum of squared percentage shares, 0 to 10,000; above 2,500 is "highly concentrated" in
-- the US merger guidelines), as the "Economies of Open Intelligence" study measures it. Orgs not
-- in the registry count one by one (`org:<hub org>`), not as one bucket.
-- The index is computed exactly, as 10,000 x (sum of squared values) / (total)^2 in DECIMAL, then
-- divided once: a sum of floating-point squares depends on the order DuckDB's threads add them
-- in, and the mart must be the same to the bit on every run.
with

periods as (
    select * from {{ ref('int_market__periods') }}
),

by_developer as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        developer_key,
        sum(value) as value,
        sum(model_count) as model_count
    from periods
    group by all
    having sum(value) > 0
),

shares as (
    select
        *,
        cast(value as decimal(38, 0)) as exact_value,
        value / sum(value) over (partition by period_start, period_grain, metric, scope) as share
    from by_developer
),

final as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        cast(10000 * sum(exact_value * exact_value) as double)
        / cast(sum(exact_value) * sum(exact_value) as double) as hhi,
        cast(count(*) as integer) as developer_count,
        cast(sum(model_count) as integer) as model_count,
        {{ first_ordered(
            'developer_key', 'share desc, developer_key asc', "named_struct('share', -share, 'key', developer_key)"
        ) }} as top_developer_key,
        cast(max(share) as double) as top_developer_share
    from shares
    group by all
)

select * from final
