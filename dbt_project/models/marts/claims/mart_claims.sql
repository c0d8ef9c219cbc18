-- Every claim of the `claims` seed with its definition (population, metric, window, country
-- and credit rules), what the data says under it, and how many of the claim's readings (its
-- definition and the nearest alternatives, `mart_claim_readings`) it holds under. A claim
-- without a measure yet is `not_measurable` and says so.
with

claims as (
    select * from {{ ref('claims') }}
),

readings as (
    select * from {{ ref('mart_claim_readings') }}
),

counted as (
    select
        claim_id,
        count(*) as readings_total,
        count(*) filter (where verdict = 'consistent') as readings_holding,
        count(*) filter (where verdict != 'not_measurable') as readings_measurable
    from readings
    group by claim_id
),

final as (
    select
        claims.claim_id,
        claims.source,
        claims.published,
        claims.claim,
        claims.published_value,
        claims.claim_period_start,
        claims.claim_period_end,
        claims.population,
        claims.metric,
        claims.time_window,
        claims.country_rule,
        claims.credit_rule,
        defined.measured_value,
        defined.measured_number,
        coalesce(
            defined.measured_window_start || ' to ' || defined.measured_window_end, 'no data'
        ) as measured_window,
        defined.measured_window_start,
        defined.measured_window_end,
        defined.coverage,
        defined.verdict,
        defined.evidence,
        cast(counted.readings_holding as integer) as readings_holding,
        cast(counted.readings_measurable as integer) as readings_measurable,
        cast(counted.readings_total as integer) as readings_total,
        printf(
            'holds under %d of %d readings%s',
            counted.readings_holding,
            counted.readings_total,
            case
                when counted.readings_measurable < counted.readings_total
                    then printf(
                        ' (%d not measurable)',
                        counted.readings_total - counted.readings_measurable
                    )
                else ''
            end
        ) as readings_summary,
        defined.source_citation
    from claims
    inner join readings as defined on claims.claim_id = defined.claim_id and defined.is_definition
    inner join counted on claims.claim_id = counted.claim_id
)

select * from final
