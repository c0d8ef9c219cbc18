-- Every claim of the `claims` seed with what the data says on it. A claim without a measure
-- yet is `not_measurable` and says so.
with

claims as (
    select * from {{ ref('claims') }}
),

evidence as (
    select * from {{ ref('int_claims__evidence') }}
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
        evidence.measured_value,
        evidence.measured_number,
        evidence.measured_window,
        evidence.window_start as measured_window_start,
        evidence.window_end as measured_window_end,
        evidence.coverage,
        coalesce(evidence.verdict, 'not_measurable') as verdict,
        coalesce(
            evidence.evidence, 'No measure of this claim is defined in int_claims__evidence.'
        ) as evidence,
        evidence.source_citation
    from claims
    left join evidence on claims.claim_id = evidence.claim_id
)

select * from final
