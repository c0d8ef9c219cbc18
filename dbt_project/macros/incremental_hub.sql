{#- The incremental Hub models rebuild every day from `rebuild_from()` on (decided in Python:
    orchestration/lib/rebuild_window.py); docs/incremental.md says how each uses it. -#}

{#- dbt's incremental strategy `rebuild` (`get_incremental_<name>_sql`, its extension point):
    once the model's rows are built, delete the kept rows of the rebuilt days (`meta.rebuilt_column`
    on or after `rebuild_from()`) and, with a `unique_key`, every kept row of a key built again,
    then insert the built rows, in the build's transaction. A kept row of the rebuilt days that
    nothing replaced (its day evicted, or gone from a rerun's newer fetch) goes with them. -#}
{% macro get_incremental_rebuild_sql(arg_dict) -%}
    {%- set key = arg_dict.unique_key -%}
    {%- set key = key if key is string or not key else key | join(', ') -%}
    delete from {{ arg_dict.target_relation }}
    where
        {{ config.get('meta')['rebuilt_column'] }} >= {{ rebuild_from() }}
        {%- if key %} or ({{ key }}) in (select distinct {{ key }} from {{ arg_dict.temp_relation }}){% endif %};
    {{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}

{#- Each observed model's last three observations, newest first (`recent`: date, lifetime
    counter, `is_unchanged`): the anchors of the rebuilt days, read instead of the whole history.
    The state of `int_hub__model_observations`, written by its post-hook in the transaction of
    its rows, so the two never disagree; not a dbt model, because the model reads it before
    writing it (a ref would be a cycle). DuckDB only. -#}
{% macro model_recent_relation() -%}
    {{ return(api.Relation.create(
        target.database, generate_schema_name('intermediate', none) | trim, 'int_hub__model_recent'
    )) }}
{%- endmacro %}

{#- The kept state, or none (a first build, a full refresh, Spark, or a warehouse from before it
    existed: the models read the history then). -#}
{% macro kept_model_recent() -%}
    {{ return(load_relation(model_recent_relation()) if is_incremental() else none) }}
{%- endmacro %}

{#- The post-hook of `int_hub__model_observations`: each model's last three of its rebuilt
    observations put in front of its kept ones. A model whose kept state reaches into the
    rebuilt days (a rerun, an eviction) is read again from the history; without a state, every
    model is. -#}
{% macro write_model_recent() -%}
    {%- if target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set kept = kept_model_recent() -%}
    {%- set reaches = 'recent[1].snapshot_date >= ' ~ rebuild_from() -%}
    create or replace table {{ model_recent_relation() }} as
    with rebuilt as (
        select
            model_id,
            max_by(
                {'snapshot_date': snapshot_date, 'downloads_all_time': downloads_all_time, 'is_unchanged': is_unchanged},
                snapshot_date,
                3
            ) as recent
        from {{ this }}
        {%- if kept is not none %}
        where
            snapshot_date >= {{ rebuild_from() }}
            or model_id in (select model_id from {{ kept }} where {{ reaches }})
        {%- endif %}
        group by model_id
    )
    {%- if kept is none %}
    select * from rebuilt
    {%- else %}
    select
        coalesce(rebuilt.model_id, kept.model_id) as model_id,
        list_slice(list_concat(rebuilt.recent, kept.recent), 1, 3) as recent
    from rebuilt
    full outer join (select * from {{ kept }} where not {{ reaches }}) as kept
        on rebuilt.model_id = kept.model_id
    {%- endif %}
{%- endmacro %}
