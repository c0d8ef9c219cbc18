-- The newest record of each model that carries lineage (hub-stats `baseModels`, or else the
-- `base_model:` tags), from the daily snapshots and the catalog exports.
-- How it rebuilds, and why: docs/incremental.md (int_hub__lineage_records).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='rebuild',
        unique_key='model_id',
        meta={'rebuilt_column': 'snapshot_date'},
        on_schema_change='fail',
    )
}}
{#- Whether any kept record is from the run's days: only then are the days before read again. -#}
{%- set has_rerun = false -%}
{%- if execute and is_incremental() -%}
    {%- set rerun_query -%}
        select count(*) from {{ this }} where snapshot_date >= {{ rebuild_from() }}
    {%- endset -%}
    {%- set has_rerun = run_query(rerun_query).columns[0].values()[0] > 0 -%}
{%- endif %}

with

{% if is_incremental() %}
kept as (
    select * from {{ this }}
    where snapshot_date < {{ rebuild_from() }}
),

rerun_models as (
    select model_id from {{ this }}
    where snapshot_date >= {{ rebuild_from() }}
),
{% endif %}

-- The raw records of the run's days, from the daily snapshots and the catalog exports, and for a
-- rerun's models the records of the days before.
records as (
    {%- for source in ['stg_hub__model_snapshots', 'stg_hub__model_catalog'] %}
    {%- set first_source = loop.first %}
    {%- for rerun in ([false, true] if has_rerun else [false]) %}
    {{ "union all" if not (loop.first and first_source) }}
    select
        model_id,
        snapshot_date,
        fetched_at,
        tags,
        base_model_relation,
        base_model_ids
    from {{ ref(source) }}
    {%- if rerun %}
    where
        snapshot_date < {{ rebuild_from() }}
        and model_id in (select rerun_models.model_id from rerun_models)
    {%- elif is_incremental() %}
    where snapshot_date >= {{ rebuild_from() }}
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
),

with_lineage_tags as (
    select
        model_id,
        snapshot_date,
        fetched_at,
        base_model_relation,
        base_model_ids,
        {{ list_filter(
            'tags', 'tag', regex_matches('tag', "'^base_model:(finetune|adapter|quantized|merge):'")
        ) }} as lineage_tags
    from records
),

lineage_records as (
    select
        model_id,
        snapshot_date,
        fetched_at,
        case
            when {{ list_size('base_model_ids') }} > 0 then base_model_relation
            else regexp_extract({{ list_first('lineage_tags') }}, '^base_model:([a-z]+):', 1)
        end as relation,
        case
            when {{ list_size('base_model_ids') }} > 0 then base_model_ids
            else {{ list_transform(
                'lineage_tags', 'tag', "regexp_extract(tag, '^base_model:[a-z]+:(.+)$', 1)"
            ) }}
        end as parent_model_ids
    from with_lineage_tags
    where {{ list_size('base_model_ids') }} > 0 or {{ list_size('lineage_tags') }} > 0
),

candidates as (
    select * from lineage_records
    {%- if is_incremental() %}
    union all
    select kept.*
    from kept
    where kept.model_id in (select lineage_records.model_id from lineage_records)
    {%- endif %}
),

latest_lineage as (
    select *
    from candidates
    qualify row_number() over (
        partition by model_id order by snapshot_date desc, fetched_at desc
    ) = 1
)

select * from latest_lineage
