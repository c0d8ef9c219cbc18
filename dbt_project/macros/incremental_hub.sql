{#- The incremental Hub models rebuild every day from `rebuild_from()` on (decided in Python:
    orchestration/lib/rebuild_window.py); docs/incremental.md says how each uses it. -#}

{#- A pre-hook: delete the kept rows the model is about to rebuild (those whose `date_column` is
    a rebuilt day), inside the build's transaction. Nothing on a first build or full refresh. -#}
{% macro delete_rebuilt_days(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ rebuild_from() }}
    {%- endif -%}
{%- endmacro %}

{#- A post-hook of `int_hub__model_observed`: the kept row of a model whose span reached into the
    rebuilt days and which has no observation left there (seen only on a day since evicted, or
    missing from a rerun's newer fetch): the merge replaces only the rows it rebuilds. A row is
    kept when its newest day is still an observation of the model (looked up on the rebuilt days
    only), whatever else this invocation built. -#}
{% macro delete_unobserved_models() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept
        where kept.last_observed_date >= {{ rebuild_from() }} and not exists (
            select 1 from {{ ref('int_hub__model_observations') }} as observed
            where
                observed.snapshot_date >= {{ rebuild_from() }}
                and observed.model_id = kept.model_id
                and observed.snapshot_date = kept.last_observed_date
        )
    {%- endif -%}
{%- endmacro %}

{#- A post-hook of `int_hub__lineage_records`: a kept record from the rebuilt days whose raw record is
    gone (its day evicted) and that no other record of its model replaced. A record the raw
    layer still holds is the model's newest, as a full build finds it (raw files never change). -#}
{% macro delete_vanished_lineage() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as kept
        where kept.snapshot_date >= {{ rebuild_from() }} and not exists (
            {%- for source in ['stg_hub__model_snapshots', 'stg_hub__model_catalog'] %}
            {{ 'union all' if not loop.first }}
            select 1 from {{ ref(source) }} as raw
            where
                raw.snapshot_date >= {{ rebuild_from() }}
                and raw.model_id = kept.model_id
                and raw.snapshot_date = kept.snapshot_date
                and raw.fetched_at = kept.fetched_at
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The first day of the daily downloads rebuilt in this build, as a SQL scalar: the rebuild's
    first day, or the first day of a gap that closes on a rebuilt day, if earlier. -#}
{% macro downloads_rebuilt_from() -%}
    least(
        {{ rebuild_from() }},
        coalesce(
            (
                select min(rebuilt.download_date) from {{ ref('int_hub__model_downloads_daily') }} as rebuilt
                where rebuilt.observed_date >= {{ rebuild_from() }}
            ),
            {{ rebuild_from() }}
        )
    )
{%- endmacro %}

{#- A pre-hook of `int_hub__model_downloads_periods`: delete every period that holds a rebuilt
    day (each grain's period of `downloads_rebuilt_from()` and every later one). -#}
{% macro delete_rebuilt_periods() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where period_start >= cast(date_trunc(period_grain, {{ downloads_rebuilt_from() }}) as date)
    {%- endif -%}
{%- endmacro %}

{#- Each observed model's last three observations, newest first (`recent`: date, lifetime
    counter, `is_unchanged`): the anchors of the rebuilt days, read here instead of from the
    whole history. The state of `int_hub__model_observations`, written by its post-hook inside
    the same transaction as its rows, so the two never disagree; not a dbt model, because the
    model reads it before writing it (a ref would be a cycle). DuckDB only. -#}
{% macro model_recent_relation() -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none) | trim,
        identifier='int_hub__model_recent',
        type='table',
    )) }}
{%- endmacro %}

{#- The kept state, or none when an incremental build has none to read (a first build, a full
    refresh, Spark, a warehouse from before it existed: the models read the history then). -#}
{% macro kept_model_recent() -%}
    {%- if not execute or target.type == 'spark' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(load_relation(model_recent_relation())) }}
{%- endmacro %}

{#- One entry of `recent`, from a row of `int_hub__model_observations`. -#}
{% macro model_recent_entry() -%}
    {'snapshot_date': snapshot_date, 'downloads_all_time': downloads_all_time, 'is_unchanged': is_unchanged}
{%- endmacro %}

{#- The post-hook of `int_hub__model_observations`: the state updated from the rebuilt days. A
    model whose kept state reaches into them (a rerun, an eviction) is read again from the
    history, every other model's rebuilt observations are put in front of its kept ones. -#}
{% macro write_model_recent() -%}
    {%- if target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set kept = kept_model_recent() -%}
    create or replace table {{ model_recent_relation() }} as
    {%- if kept is none %}
    select model_id, max_by({{ model_recent_entry() }}, snapshot_date, 3) as recent
    from {{ this }}
    group by model_id
    {%- else %}
    with
    kept as (
        select
            model_id,
            recent,
            len(list_filter(recent, lambda e: e.snapshot_date >= {{ rebuild_from() }})) > 0 as reaches_rebuilt
        from {{ kept }}
    ),
    rebuilt as (
        select model_id, list({{ model_recent_entry() }} order by snapshot_date desc) as entries
        from {{ this }}
        where snapshot_date >= {{ rebuild_from() }}
        group by model_id
    ),
    reread as (
        select model_id, max_by({{ model_recent_entry() }}, snapshot_date, 3) as recent
        from {{ this }}
        where model_id in (select kept.model_id from kept where kept.reaches_rebuilt)
        group by model_id
    )
    select model_id, recent from reread
    union all
    select
        coalesce(rebuilt.model_id, kept.model_id) as model_id,
        list_slice(list_concat(rebuilt.entries, kept.recent), 1, 3) as recent
    from rebuilt
    full outer join kept on rebuilt.model_id = kept.model_id
    where not coalesce(kept.reaches_rebuilt, false)
    {%- endif %}
{%- endmacro %}
