-- A table, not a view: the lineage mart, the market events and the claims read it.
{{ config(materialized='table') }}

-- One row per derivative: its parent, its relation, and the original base model its chain of
-- parents leads to, whose developer and country are the derivative's origin.
with

edges as (
    select * from {{ ref('int_hub__lineage_edges') }}
),

roots as (
    select * from {{ ref('int_hub__model_roots') }}
),

models as (
    select * from {{ ref('int_hub__models') }}
),

registry as (
    select * from {{ ref('developer_registry') }}
),

primary_edges as (
    select
        model_id,
        case when not is_self_reference then parent_model_id end as parent_model_id,
        relation,
        parent_count
    from edges
    where parent_rank = 1
),

all_parents as (
    select
        model_id,
        {{ ordered_list_agg('parent_model_id', 'parent_rank', where='not is_self_reference') }} as parent_model_ids
    from edges
    group by model_id
),

final as (
    select
        primary_edges.model_id,
        primary_edges.parent_model_id,
        primary_edges.relation,
        primary_edges.parent_count,
        all_parents.parent_model_ids,
        roots.root_model_id,
        coalesce(registry.developer_id, 'unattributed') as root_developer_id,
        coalesce(registry.country, 'unattributed') as root_country,
        roots.depth,
        roots.root_status,
        models.developer_id,
        models.country,
        models.created_date,
        models.is_repackaging
    from primary_edges
    left join all_parents on primary_edges.model_id = all_parents.model_id
    inner join roots on primary_edges.model_id = roots.model_id
    left join models on primary_edges.model_id = models.model_id
    left join registry on split_part(roots.root_model_id, '/', 1) = registry.hub_org
)

select * from final
