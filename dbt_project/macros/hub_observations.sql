{#- The first day `int_hub__model_observations` rebuilds in an incremental run: the run's first
    day, or the first day on which the stored observations and the raw layer disagree, if that
    is earlier (a day evicted from the raw layer is stored but no longer raw; a day admitted or
    loaded outside the run's days is raw but not stored). None when the model is built whole
    (first build, full refresh, Spark) or at parse time. The model and its pre-hook both call
    it, before the hook deletes anything, so they agree. -#}
{% macro hub_observations_rebuild_from() -%}
    {%- if not execute or target.type == 'spark' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with
        stored as (select distinct snapshot_date from {{ this }}),
        raw as (
            select distinct snapshot_date from {{ ref('stg_hub__model_snapshots') }}
            where downloads_all_time is not null
        ),
        changed as (
            (select snapshot_date from stored except select snapshot_date from raw)
            union all
            (select snapshot_date from raw except select snapshot_date from stored)
        )
        select cast(least(
            {{ partition_start_date() }},
            coalesce((select min(snapshot_date) from changed), date '9999-12-31')
        ) as varchar)
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{#- The pre-hook of `int_hub__model_observations`: delete the days it is about to rebuild. -#}
{% macro hub_observations_delete_rebuilt() -%}
    {%- set rebuild_from = hub_observations_rebuild_from() -%}
    {%- if rebuild_from -%}
        delete from {{ this }} where snapshot_date >= date '{{ rebuild_from }}'
    {%- endif -%}
{%- endmacro %}
