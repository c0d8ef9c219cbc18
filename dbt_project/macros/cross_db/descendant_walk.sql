{#- The walk of `int_hub__model_descendants`: every (ancestor, descendant) pair the lineage
    edges reach, any number of hops, as the CTE `walk (ancestor_id, descendant_id)`.

    DuckDB keeps a set in the recursive CTE (`union`): merges make many paths to one descendant,
    a set holds each pair once, and a cycle ends when no new pair appears. Spark has no `union` in
    a recursive CTE (UNION_NOT_SUPPORTED_IN_RECURSIVE_CTE), and `union all` enumerates paths,
    which grow exponentially with merges. So on Spark the walk goes level by level: each step
    keeps the distinct pairs one hop further than the last (a level never holds more rows than
    there are pairs, whatever the number of paths), and the distinct pairs of every level are the
    walk. A step cannot see the levels before it, so a cycle would not end: the walk stops after
    `lineage_max_hops` hops (var, 32). That is a bound, not a set: a pair whose shortest chain is
    longer would be missed. The real catalog's farthest pair is 22 hops apart; the equivalence
    test (tests/integration/test_spark_equivalence.py) compares the counts with DuckDB's.
    (Squaring the pairs instead, `walk_2n` from `walk_n` joined to itself, is exact to 2^k hops
    but Spark plans each reference of a CTE again: the plan grows 3^k and did not finish.) -#}
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
walk_levels (ancestor_id, descendant_id, hops) as (
    select
        parent_model_id,
        model_id,
        1
    from {{ edges }}
    union all
    select distinct
        walk_levels.ancestor_id,
        {{ edges }}.model_id,
        walk_levels.hops + 1
    from walk_levels
    inner join {{ edges }} on walk_levels.descendant_id = {{ edges }}.parent_model_id
    where
        {{ edges }}.model_id != walk_levels.ancestor_id
        and walk_levels.hops < {{ var('lineage_max_hops', 32) }}
),

walk as (
    select distinct
        ancestor_id,
        descendant_id
    from walk_levels
)
{%- endmacro %}
