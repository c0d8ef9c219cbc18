-- Every claim under its own definition and the nearest alternatives the data supports: the
-- definition's row is `mart_claims`' verdict (`int_claims__evidence`), the alternatives are
-- judged by the same thresholds (`int_claims__readings`).
with

claims as (
    select * from {{ ref('claims') }}
),

evidence as (
    select * from {{ ref('int_claims__evidence') }}
),

readings as (
    select * from {{ ref('int_claims__readings') }}
),

definitions as (
    select
        claims.claim_id,
        'as_defined' as reading_id,
        coalesce(readings.reading, 'as defined') as reading,
        true as is_definition,
        evidence.measured_number,
        evidence.measured_value,
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
    left join readings on claims.claim_id = readings.claim_id and readings.is_definition
),

alternatives as (
    select
        claim_id,
        reading_id,
        reading,
        false as is_definition,
        measured_number,
        measured_value,
        window_start as measured_window_start,
        window_end as measured_window_end,
        coverage,
        verdict,
        evidence,
        source_citation
    from readings
    where not is_definition
),

final as (
    select * from definitions
    union all
    select * from alternatives
)

select
    claim_id,
    reading_id,
    reading,
    is_definition,
    cast(measured_number as double) as measured_number,
    measured_value,
    measured_window_start,
    measured_window_end,
    coverage,
    verdict,
    evidence,
    cast(source_citation as {{ dbt.type_string() }}) as source_citation
from final
