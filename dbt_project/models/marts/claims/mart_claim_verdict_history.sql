-- Each claim's verdict as it changed: a row whenever a build finds a claim's verdict, measure,
-- readings, window or citation different from its latest row. A restatement (OpenRouter
-- re-serving a stored day with a newer `as_of` and other figures: a new fetch, which wins)
-- re-checks the claims on the rankings: those whose figures or citation move get a row, marked
-- `restatement` when their window did not move (`new_data` when it did); claims the restated
-- day does not reach get none. Rebuilt from nothing, the table
-- holds each claim's current verdict as version 1; rebuilt on the same data, it adds nothing.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
    )
}}

with

claims as (
    select * from {{ ref('mart_claims') }}
),

current_ as (
    select
        claim_id,
        verdict,
        measured_number,
        measured_value,
        measured_window_end,
        readings_summary,
        source_citation,
        md5(
            concat_ws(
                '|',
                verdict,
                coalesce(cast(measured_number as {{ dbt.type_string() }}), ''),
                coalesce(measured_value, ''),
                coalesce(cast(measured_window_start as {{ dbt.type_string() }}), ''),
                coalesce(cast(measured_window_end as {{ dbt.type_string() }}), ''),
                readings_summary,
                coalesce(source_citation, '')
            )
        ) as fingerprint
    from claims
),

{% if is_incremental() %}
previous as (
    select
        claim_id,
        version,
        fingerprint,
        measured_window_end,
        source_citation
    from {{ this }}
    qualify row_number() over (partition by claim_id order by version desc) = 1
),
{% else %}
previous as (
    select
        cast(null as {{ dbt.type_string() }}) as claim_id,
        cast(null as integer) as version,
        cast(null as {{ dbt.type_string() }}) as fingerprint,
        cast(null as date) as measured_window_end,
        cast(null as {{ dbt.type_string() }}) as source_citation
    where false
),
{% endif %}

final as (
    select
        current_.claim_id,
        cast(coalesce(previous.version, 0) + 1 as integer) as version,
        current_.verdict,
        current_.measured_number,
        current_.measured_value,
        current_.measured_window_end,
        current_.readings_summary,
        current_.source_citation,
        case
            when previous.claim_id is null then 'first_check'
            -- The same days, other figures: a stored day was restated (or evicted).
            when
                coalesce(cast(current_.measured_window_end as {{ dbt.type_string() }}), '')
                = coalesce(cast(previous.measured_window_end as {{ dbt.type_string() }}), '')
                then 'restatement'
            else 'new_data'
        end as change,
        current_.fingerprint
    from current_
    left join previous on current_.claim_id = previous.claim_id
    where previous.fingerprint is null or previous.fingerprint != current_.fingerprint
)

select * from final
