-- A table, not a view: several models read it and it is costly to recompute.
{{ config(materialized='table') }}

-- One row per (derivative, parent) edge. Lineage comes from the newest record of each model
-- that carries any: the hub-stats `baseModels` field, or else the `base_model:<relation>:<id>`
-- tags, which is all the live API sends. A repo may name itself as its base (the Hub allows it;
-- five do in the real catalog export): such edges are kept, flagged `is_self_reference` and ranked
-- last, so a model naming only itself is recorded as its own root and never walked in a loop.
--
-- Merges have several parents and the Hub keeps no order of importance among them (it lists
-- them alphabetically). The parent that counts (`parent_rank` = 1) is the first, alphabetically,
-- of the parents published by a developer of the registry, else the first of all: a merge that
-- names an original model beside community derivatives attests that original directly.
with

latest_lineage as (
    select * from {{ ref('int_hub__lineage_records') }}
),

registry as (
    select * from {{ ref('developer_registry') }}
),

edges as (
    select distinct
        model_id,
        relation,
        {{ list_unnest('parent_model_ids') }} as parent_model_id
    from latest_lineage
),

ranked as (
    select
        edges.model_id,
        edges.parent_model_id,
        edges.relation,
        registry.hub_org is not null as is_parent_from_registry,
        edges.parent_model_id = edges.model_id as is_self_reference,
        cast(
            count(*) filter (where edges.parent_model_id != edges.model_id)
                over (partition by edges.model_id)
            as integer
        ) as parent_count,
        cast(row_number() over (
            partition by edges.model_id
            order by edges.parent_model_id = edges.model_id, registry.hub_org is null, edges.parent_model_id
        ) as integer) as parent_rank
    from edges
    left join registry on split_part(edges.parent_model_id, '/', 1) = registry.hub_org
)

select * from ranked
