-- depends_on: {{ ref('model_family_rules') }}
-- Each model name's family (the first matching rule of the family seed) and repackaging flag,
-- matched once and kept.
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_families).
{%- set rules_version = model_family_rules_version() %}
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='delete+insert',
        unique_key='model_id',
        on_schema_change='fail',
    )
}}

with

candidates as (
    select model_id from {{ ref('int_hub__model_observations') }}
    {%- if is_incremental() %}
    where snapshot_date >= {{ rebuild_from() }}
    {%- endif %}
    union
    select model_id from {{ ref('stg_hub__model_catalog') }}
),

unanswered as (
    select model_id from candidates
    {%- if is_incremental() %}
    where model_id not in (
        select known.model_id from {{ this }} as known
        where known.family_rules_version = '{{ rules_version }}'
    )
    {%- endif %}
),

final as (
    select
        model_id,
        {{ model_family("split_part(model_id, '/', 2)") }} as family,
        coalesce({{ name_is_repackaging("split_part(model_id, '/', 2)") }}, false) as name_is_repackaging,
        '{{ rules_version }}' as family_rules_version
    from unanswered
)

select * from final
