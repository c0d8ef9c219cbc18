{#- Each observed model's newest observations, newest first (`recent`: date, lifetime counter,
    `is_unchanged`; at most `model_recent_length()`, consecutive), and whether they are all it has
    (`complete`): the anchors of the rebuilt days, read instead of the whole history. Six, so
    that a rerun of up to three days still finds three observations before them. The state of
    `int_hub__model_observations`, written by its post-hook in the transaction of its rows, so
    the two never disagree; not a dbt model, because the model reads it before writing it (a
    ref would be a cycle). DuckDB only. -#}
{% macro model_recent_length() -%}6{%- endmacro %}

{% macro model_recent_relation() -%}
    {{ return(api.Relation.create(
        target.database, generate_schema_name('intermediate', none) | trim, 'int_hub__model_recent'
    )) }}
{%- endmacro %}

{#- The kept state, or none (a first build, a full refresh, Spark, or a warehouse from before it
    existed or before it said `complete`: the models read the history then). -#}
{% macro kept_model_recent() -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set kept = load_relation(model_recent_relation()) -%}
    {%- if kept is none or 'complete' not in adapter.get_columns_in_relation(kept) | map(attribute='name') | list -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(kept) }}
{%- endmacro %}

{#- A state entry's kept observations before the rebuilt days. -#}
{% macro recent_before(recent) -%}
    list_filter({{ recent }}, lambda e: e.snapshot_date < {{ rebuild_from() }})
{%- endmacro %}

{#- The post-hook of `int_hub__model_observations`: each model's rebuilt observations put in
    front of its kept ones before the rebuilt days; without a state, every model's read from the
    table. -#}
{% macro write_model_recent() -%}
    {%- if target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set kept = kept_model_recent() -%}
    {%- set length = model_recent_length() | int -%}
    create or replace table {{ model_recent_relation() }} as
    -- Each model's newest rows by a window, not `max_by(..., n)`: over a first build's whole
    -- history (two million models) that aggregate ran out of 2 GB, the window spills.
    with rebuilt as (
        select
            model_id,
            list(
                {'snapshot_date': snapshot_date, 'downloads_all_time': downloads_all_time, 'is_unchanged': is_unchanged}
                order by snapshot_date desc
            ) as recent,
            max(observations) as observations
        from (
            select
                model_id,
                snapshot_date,
                downloads_all_time,
                is_unchanged,
                count(*) over (partition by model_id) as observations
            from {{ this }}
            {%- if kept is not none %}
            where snapshot_date >= {{ rebuild_from() }}
            {%- endif %}
            qualify row_number() over (partition by model_id order by snapshot_date desc) <= {{ length }}
        )
        group by model_id
    )
    {%- if kept is none %}
    select model_id, recent, observations <= {{ length }} as complete from rebuilt
    {%- else %},
    kept as (
        select model_id, {{ recent_before('recent') }} as before, complete from {{ kept }}
    ),

    merged as (
        select
            coalesce(rebuilt.model_id, kept.model_id) as model_id,
            list_slice(list_concat(rebuilt.recent, kept.before), 1, {{ length }}) as recent,
            -- A model new in the rebuilt days has no kept observation.
            coalesce(kept.complete, true)
                and coalesce(rebuilt.observations, 0) + coalesce(len(kept.before), 0) <= {{ length }}
                as complete
        from rebuilt
        full outer join kept on rebuilt.model_id = kept.model_id
    )

    -- A model with no observation left is dropped; one with older observations than its list is
    -- kept, empty, for the next build to read them from the table.
    select * from merged
    where len(recent) > 0 or not complete
    {%- endif %}
{%- endmacro %}
