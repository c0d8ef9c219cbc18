{#- The walk of `int_hub__model_descendants`: every (ancestor, descendant) pair the lineage
    edges reach, any number of hops, as the recursive CTE `walk (ancestor_id, descendant_id)`.

    DuckDB keeps a set (`union`): merges make many paths to one descendant, a set holds each pair
    once, and a cycle ends when no new pair appears. Spark has no `union` in a recursive CTE
    (UNION_NOT_SUPPORTED_IN_RECURSIVE_CTE), and `union all` enumerates paths, which grow
    exponentially with merges. So on Spark the walk goes level by level: each step keeps the
    distinct pairs one hop further than the last, so a level never holds more rows than there are
    pairs, whatever the number of paths. Without the set a cycle would not end: `depth` stops the
    walk after `lineage_max_depth` hops (var, 50; the longest chain of the real catalog is far
    shorter), which changes nothing below that length since `int_hub__model_descendants` counts
    distinct pairs. -#}
{% macro descendant_walk(edges) -%}
    {{- return(adapter.dispatch('descendant_walk', 'open_model_observatory')(edges)) -}}
{%- endmacro %}

{% macro default__descendant_walk(edges) -%}
walk (ancestor_id, descendant_id) as (
    select
        parent_model_id,
        model_id
    from {{ edges }}
    union
    select
        walk.ancestor_id,
        {{ edges }}.model_id
    from walk
    inner join {{ edges }} on walk.descendant_id = {{ edges }}.parent_model_id
    where {{ edges }}.model_id != walk.ancestor_id
)
{%- endmacro %}

{% macro spark__descendant_walk(edges) -%}
walk_levels (ancestor_id, descendant_id, depth) as (
    select
        parent_model_id,
        model_id,
        1
    from {{ edges }}
    union all
    select distinct
        walk_levels.ancestor_id,
        {{ edges }}.model_id,
        walk_levels.depth + 1
    from walk_levels
    inner join {{ edges }} on walk_levels.descendant_id = {{ edges }}.parent_model_id
    where
        {{ edges }}.model_id != walk_levels.ancestor_id
        and walk_levels.depth < {{ var('lineage_max_depth', 50) }}
),

walk as (
    select distinct
        ancestor_id,
        descendant_id
    from walk_levels
)
{%- endmacro %}
