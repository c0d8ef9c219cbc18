-- What the data says on each claim of the `claims` seed: one row per claim with a measure (in
-- `int_claims__hub_evidence` and `int_claims__openrouter_evidence`), on the closest comparable
-- measure the marts hold, with the window and the sample it rests on and a verdict. A verdict
-- is `not_measurable` (and the evidence says why) when the data does not reach the claim's
-- scope, or when its window does not overlap the period the claim describes (the seed's
-- `claim_period_start` .. `claim_period_end`): it is never forced. Thresholds come from the
-- seed (`published_number`, `tolerance`).
with

claims as (
    select * from {{ ref('claims') }}
),

measured_apart as (
    select
        *,
        null as source_citation
    from {{ ref('int_claims__hub_evidence') }}
    {{ union_all_by_name() }}
    select * from {{ ref('int_claims__openrouter_evidence') }}
),

-- The claims measured only with their readings: the reading of their own definition.
defined_by_readings as (
    select
        claim_id,
        measured_number,
        measured_value,
        window_start,
        window_end,
        coverage,
        verdict_on_data as verdict,
        evidence_on_data as evidence,
        source_citation
    from {{ ref('int_claims__readings') }}
    where
        is_definition
        and claim_id not in (select measured_apart.claim_id from measured_apart)
),

evidence as (
    select * from measured_apart
    {{ union_all_by_name() }}
    select * from defined_by_readings
),

judged as (
    select
        evidence.*,
        claims.claim_period_start,
        claims.claim_period_end,
        coalesce(
            evidence.window_start <= coalesce(claims.claim_period_end, evidence.window_end)
            and evidence.window_end >= claims.claim_period_start,
            false
        ) as overlaps_claim_period
    from evidence
    inner join claims on evidence.claim_id = claims.claim_id
)

select
    claim_id,
    cast(measured_number as double) as measured_number,
    measured_value,
    coalesce(window_start || ' to ' || window_end, 'no data') as measured_window,
    window_start,
    window_end,
    overlaps_claim_period,
    coverage,
    case
        when verdict != 'not_measurable' and not overlaps_claim_period then 'not_measurable'
        else verdict
    end as verdict,
    case
        when verdict != 'not_measurable' and not overlaps_claim_period
            then printf(
                'The data covers %s to %s, outside the period the claim describes (%s to %s), '
                || 'so it cannot test it; on the data''s own window the figure reads %s. ',
                cast(window_start as {{ dbt.type_string() }}),
                cast(window_end as {{ dbt.type_string() }}),
                cast(claim_period_start as {{ dbt.type_string() }}),
                coalesce(cast(claim_period_end as {{ dbt.type_string() }}), 'now'),
                replace(verdict, '_', ' ')
            )
            || evidence
        else evidence
    end as evidence,
    cast(source_citation as {{ dbt.type_string() }}) as source_citation
from judged
