-- How concentrated each metric is among developers, per period: the Herfindahl-Hirschman index
-- (the sum of squared percentage shares, 0 to 10,000; above 2,500 is "highly concentrated" in
-- the US merger guidelines), as the "Economies of Open Intelligence" study measures it. Orgs not
-- in the registry count one by one (`org:<hub org>`), not as one bucket.
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
        sum(value) as value
    from periods
    group by all
    having sum(value) > 0
),

shares as (
    select
        *,
        value / sum(value) over (partition by period_start, period_grain, metric, scope) as share
    from by_developer
),

final as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        cast(sum(power(share * 100, 2)) as double) as hhi,
        cast(count(*) as integer) as developer_count,
        first(developer_key order by share desc, developer_key asc) as top_developer_key,
        cast(max(share) as double) as top_developer_share
    from shares
    group by all
)

select * from final
