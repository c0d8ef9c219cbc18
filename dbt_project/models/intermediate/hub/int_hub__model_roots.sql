-- A table, not a view: several models read it and it is costly to recompute.
{{ config(materialized='table') }}

-- Walks every derivative up its chain of parents (the parent that counts, `parent_rank` = 1)
-- to the original base model. Chains exist: a merge of a fine-tune of Qwen. The walk stops at
-- a model with no known parent: `original` when that model is in our data (its record names no
-- base model), `unresolved` when it is not (we cannot see further). A chain that comes back on
-- itself stops before the repeat and is marked `cycle`. A model naming only itself as its base
-- is its own root, at depth 0, marked `self_reference`.
with recursive

edges as (
    select * from {{ ref('int_hub__lineage_edges') }}
),

primary_edges as (
    select
        model_id,
        parent_model_id
    from edges
    where parent_rank = 1 and not is_self_reference
),

self_references as (
    select model_id
    from edges
    where parent_rank = 1 and is_self_reference
),

known_models as (
    select model_id from {{ ref('int_hub__models') }}
),

walk (model_id, current_id, depth, path, is_cycle) as (
    select
        model_id,
        parent_model_id,
        1,
        {{ dbt.array_construct(['model_id', 'parent_model_id']) }},
        false
    from primary_edges
    union all
    select
        walk.model_id,
        primary_edges.parent_model_id,
        walk.depth + 1,
        {{ dbt.array_append('walk.path', 'primary_edges.parent_model_id') }},
        array_contains(walk.path, primary_edges.parent_model_id)
    from walk
    inner join primary_edges on walk.current_id = primary_edges.model_id
    where not walk.is_cycle
),

last_steps as (
    select
        model_id,
        {{ arg_max('current_id', 'depth') }} filter (where not is_cycle) as root_model_id,
        max(depth) filter (where not is_cycle) as depth,
        bool_or(is_cycle) as has_cycle
    from walk
    group by model_id
),

roots as (
    select
        last_steps.model_id,
        last_steps.root_model_id,
        cast(last_steps.depth as integer) as depth,
        case
            when last_steps.has_cycle then 'cycle'
            when known_models.model_id is null then 'unresolved'
            else 'original'
        end as root_status
    from last_steps
    left join known_models on last_steps.root_model_id = known_models.model_id
    union all
    select
        model_id,
        model_id as root_model_id,
        0 as depth,
        'self_reference' as root_status
    from self_references
)

select * from roots
