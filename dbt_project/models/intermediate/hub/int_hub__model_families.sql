-- depends_on: {{ ref('model_family_rules') }}
-- What a model's name says, worked out once per model and kept: its family (the first matching
-- rule of the family seed, about a hundred regular expressions) and whether the name marks a
-- repackaging. Matching every name against every rule on every run was the slowest node at two
-- million models; a daily run only has the day's new names to match.
--
-- Incremental on DuckDB: the names of the run's days and of the catalog that have no answer
-- under the current rules (`family_rules_version`, a fingerprint of the seed) are matched and
-- merged in. `int_hub__models` reads only answers of the current rules and matches any name it
-- finds none for itself, so a name this table has not seen (a day admitted outside the run's
-- days) or kept from older rules is never given a wrong family. A table on Spark.
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
    where snapshot_date >= {{ partition_start_date() }}
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
