-- A table, not a view: several models read it.
-- depends_on: {{ ref('model_family_rules') }}
{%- set rules_version = model_family_rules_version() %}
{{ config(materialized='table') }}

-- One row per model known from the daily snapshots or the catalog, with its attributes: the
-- newest daily observation wins, the catalog fills what the snapshots lack (creation time,
-- parameter count). Developer and country come from the registry by Hub org; the family from
-- the first matching rule of the family seed (kept per model in `int_hub__model_families`, and
-- matched here only for a name it has no current answer for). A repackaging (GGUF, MLX, a quantisation) is
-- a model whose relation to its base is `quantized`, whose library or tags say gguf or mlx, or
-- whose name carries a quantisation marker (AWQ, GPTQ, FP8, 4bit, ...): the "mainline" scope of
-- the market-share marts leaves these out, as the ATOM Project does.
with

catalog as (
    select * from {{ ref('stg_hub__model_catalog') }}
),

registry as (
    select * from {{ ref('developer_registry') }}
),

primary_parents as (
    select
        model_id,
        parent_model_id,
        relation
    from {{ ref('int_hub__lineage_edges') }}
    where parent_rank = 1
),

families as (
    select * from {{ ref('int_hub__model_families') }}
    where family_rules_version = '{{ rules_version }}'
),

observed as (
    select * from {{ ref('int_hub__model_observed') }}
),

latest_catalog as (
    select *
    from catalog
    qualify row_number() over (
        partition by model_id order by snapshot_date desc, fetched_at desc
    ) = 1
),

combined as (
    select
        coalesce(observed.model_id, latest_catalog.model_id) as model_id,
        coalesce(observed.hub_org, latest_catalog.hub_org) as hub_org,
        coalesce(observed.created_at, latest_catalog.created_at) as created_at,
        coalesce(observed.pipeline_tag, latest_catalog.pipeline_tag) as pipeline_tag,
        coalesce(observed.library_name, latest_catalog.library_name) as library_name,
        coalesce(observed.tags, latest_catalog.tags) as tags,
        coalesce(
            observed.safetensors_parameter_count,
            latest_catalog.safetensors_parameter_count
        ) as parameter_count,
        coalesce(
            observed.children_model_count, latest_catalog.children_model_count
        ) as hub_derivative_count,
        observed.first_observed_date,
        observed.last_observed_date,
        observed.model_id is not null as is_tracked,
        latest_catalog.model_id is not null as is_in_catalog
    from observed
    full outer join latest_catalog
        on observed.model_id = latest_catalog.model_id
),

with_family as (
    select
        combined.*,
        case
            when families.model_id is not null then families.family
            else {{ model_family("split_part(combined.model_id, '/', 2)") }}
        end as family,
        case
            when families.model_id is not null then families.name_is_repackaging
            else {{ name_is_repackaging("split_part(combined.model_id, '/', 2)") }}
        end as name_is_repackaging
    from combined
    left join families on combined.model_id = families.model_id
),

attributed as (
    select
        with_family.model_id,
        split_part(with_family.model_id, '/', 2) as model_name,
        coalesce(with_family.hub_org, split_part(with_family.model_id, '/', 1)) as hub_org,
        coalesce(registry.developer_id, 'unattributed') as developer_id,
        coalesce(registry.country, 'unattributed') as country,
        with_family.family,
        with_family.parameter_count,
        with_family.hub_derivative_count,
        with_family.created_at,
        cast(with_family.created_at as date) as created_date,
        replace(
            {{ list_first(list_filter('with_family.tags', 'tag', "tag like 'license:%'")) }}, 'license:', ''
        ) as license,
        with_family.pipeline_tag,
        with_family.library_name,
        with_family.first_observed_date,
        with_family.last_observed_date,
        with_family.is_tracked,
        with_family.is_in_catalog,
        primary_parents.parent_model_id,
        primary_parents.relation as base_model_relation,
        coalesce(
            primary_parents.relation = 'quantized'
            or lower(with_family.library_name) in ('gguf', 'mlx')
            or {{ list_has_any('with_family.tags', dbt.array_construct(["'gguf'", "'mlx'"])) }}
            or with_family.name_is_repackaging
            -- an organisation the registry types as a repackager (quantizer, format converter)
            or registry.org_type = 'repackager',
            false
        ) as is_repackaging
    from with_family
    left join primary_parents on with_family.model_id = primary_parents.model_id
    left join registry
        on coalesce(with_family.hub_org, split_part(with_family.model_id, '/', 1)) = registry.hub_org
)

select * from attributed
