-- A table, not a view: dim_models reads it and the walk is costly to recompute.
{{ config(materialized='table') }}

-- For every model named as a base by another, its derivatives in the catalog exports: direct
-- children (models naming it among their `baseModels`, every parent of a merge included) and all
-- descendants (children of children, any number of hops, each counted once). This is our own
-- count from the recorded lineage; the Hub's (`childrenModelCount`) only comes with live data.
-- The walk keeps a set of (ancestor, descendant) pairs (`union`, not `union all`): merges make
-- many paths to the same descendant, and enumerating paths grows exponentially; a set also ends
-- on cycles, since no new pair appears. Spark walks it level by level (macros/cross_db/
-- descendant_walk.sql).
with recursive

edges as (
    select distinct
        parent_model_id,
        model_id
    from {{ ref('int_hub__lineage_edges') }}
    where not is_self_reference
),

{{ descendant_walk('edges') }},

children as (
    select
        parent_model_id as model_id,
        cast(count(*) as integer) as derivative_count
    from edges
    group by parent_model_id
),

final as (
    select
        children.model_id,
        children.derivative_count,
        cast(count(*) as integer) as descendant_count
    from children
    inner join walk on children.model_id = walk.ancestor_id
    group by children.model_id, children.derivative_count
)

select * from final
