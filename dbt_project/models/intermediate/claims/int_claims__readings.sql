-- Every reading of every claim judged by one rule: the claim's definition (`as_defined`) and
-- the nearest alternatives the data supports, one rule of the definition changed at a time
-- (the reading models say which). A reading whose window does not overlap the period the claim
-- describes cannot test it. With a tolerance in the seed, a reading states what the data allows
-- (`bound_low` .. `bound_high`: the attributed part, and what the unattributed rest or the
-- days after the data could add; no bound is the measure itself, an infinite one is no bound):
-- `not_consistent` when all of it lies outside the tolerance band, `consistent` when the
-- measure lies within the band and is bounded on both sides, `not_measurable` otherwise (the
-- bounds reach the band, the measure does not decide). Without a tolerance the ordering decides.
with

claims as (
    select * from {{ ref('claims') }}
),

-- "DeepSeek is up to 40 times cheaper than OpenAI": the largest daily ratio with any price
-- source (as defined), and with OpenRouter's list prices on both sides only.
deepseek_days as (
    select *
    from {{ ref('int_prices__pair_cost_ratio') }}
    where
        period_grain = 'day'
        and model_id like 'deepseek/%'
        and reference_model_id like 'openai/%'
        and times_cheaper is not null
),

deepseek_readings as (
    select
        reading.reading_id,
        reading.reading,
        reading.openrouter_only
    from (
        values
        ('as_defined', 'as defined: prices from OpenRouter or genai-prices', false),
        ('openrouter_prices_only', 'OpenRouter''s list prices on both sides only', true)
    ) as reading (reading_id, reading, openrouter_only)
),

deepseek as (
    select
        'deepseek_40x_cheaper_than_openai' as claim_id,
        readings.reading_id,
        readings.reading,
        max(days.times_cheaper) as measured_number,
        cast(null as boolean) as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        coalesce(
            printf('at most %.1f times cheaper', max(days.times_cheaper)),
            'no DeepSeek/OpenAI pair priced on the same day'
        ) as measured_value,
        min(days.period_start) as window_start,
        max(days.period_start) as window_end,
        printf('%d compared days', count(distinct days.period_start)) as coverage,
        'The largest ratio of blended prices of a day.' as evidence,
        cast(null as {{ dbt.type_string() }}) as source_citation,
        readings.reading_id = 'as_defined' as is_definition
    from deepseek_readings as readings
    left join deepseek_days as days
        on
            not readings.openrouter_only
            or (days.model_price_source = 'openrouter' and days.reference_price_source = 'openrouter')
    group by readings.reading_id, readings.reading
),

-- Every reading in one column order: Spark's union is by position (DuckDB's by name), and
-- not every part has every column.
readings as (
    select
        claim_id,
        reading_id,
        reading,
        measured_number,
        ordering_holds,
        bound_low,
        bound_high,
        measured_value,
        window_start,
        window_end,
        coverage,
        cast(null as boolean) as is_sample_enough,
        evidence,
        cast(null as {{ dbt.type_string() }}) as source_citation,
        is_definition
    from {{ ref('int_claims__hub_download_readings') }}
    union all
    select
        claim_id,
        reading_id,
        reading,
        measured_number,
        ordering_holds,
        bound_low,
        bound_high,
        measured_value,
        window_start,
        window_end,
        coverage,
        is_sample_enough,
        evidence,
        cast(null as {{ dbt.type_string() }}) as source_citation,
        is_definition
    from {{ ref('int_claims__hub_catalog_readings') }}
    union all
    select
        claim_id,
        reading_id,
        reading,
        measured_number,
        ordering_holds,
        bound_low,
        bound_high,
        measured_value,
        window_start,
        window_end,
        coverage,
        cast(null as boolean) as is_sample_enough,
        evidence,
        source_citation,
        is_definition
    from {{ ref('int_claims__openrouter_readings') }}
    union all
    select
        claim_id,
        reading_id,
        reading,
        measured_number,
        ordering_holds,
        bound_low,
        bound_high,
        measured_value,
        window_start,
        window_end,
        coverage,
        cast(null as boolean) as is_sample_enough,
        evidence,
        source_citation,
        is_definition
    from deepseek
),

judged as (
    select
        readings.*,
        coalesce(
            readings.window_start <= coalesce(claims.claim_period_end, readings.window_end)
            and readings.window_end >= claims.claim_period_start,
            false
        ) as overlaps_claim_period,
        case
            -- The sample cannot stand for the claim's population (the reading model says why).
            when readings.is_sample_enough = false then 'not_measurable'
            when claims.tolerance is null
                then case
                    when readings.ordering_holds then 'consistent'
                    when not readings.ordering_holds then 'not_consistent'
                    else 'not_measurable'
                end
            when readings.measured_number is null then 'not_measurable'
            -- Every value the data allows lies outside the band: certain either way.
            when
                coalesce(readings.bound_high, readings.measured_number)
                < claims.published_number - claims.tolerance
                or coalesce(readings.bound_low, readings.measured_number)
                > claims.published_number + claims.tolerance
                then 'not_consistent'
            -- 'Infinity' (DuckDB and Spark both cast it): a side the data does not bound.
            when
                abs(readings.measured_number - claims.published_number) <= claims.tolerance
                and coalesce(readings.bound_high, readings.measured_number) < cast('Infinity' as double)
                and coalesce(readings.bound_low, readings.measured_number) > -cast('Infinity' as double)
                then 'consistent'
            else 'not_measurable'
        end as verdict_on_data
    from readings
    inner join claims on readings.claim_id = claims.claim_id
)

select
    claim_id,
    reading_id,
    reading,
    is_definition,
    cast(measured_number as double) as measured_number,
    measured_value,
    window_start,
    window_end,
    overlaps_claim_period,
    coverage,
    verdict_on_data,
    case when overlaps_claim_period then verdict_on_data else 'not_measurable' end as verdict,
    evidence as evidence_on_data,
    case
        when not overlaps_claim_period and window_start is not null
            then 'The data''s window does not overlap the period the claim describes. ' || evidence
        else evidence
    end as evidence,
    source_citation
from judged
