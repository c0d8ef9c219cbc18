{#- `int_adoption__model_ages` rebuilds the days from `rebuild_from()` on and every day of a
    model whose attributes (`int_adoption__model_attributes`: creation day, size, derivatives,
    OpenRouter listing and tokens) changed since the build that wrote its rows; docs/incremental.md
    says why. -#}

{#- The attributes each model's kept rows were built with: a copy of
    `int_adoption__model_attributes` written by the post-hook of `int_adoption__model_ages`, in
    the same transaction as its rows. Not a dbt model: the ages read it before writing it. -#}
{% macro model_ages_state_relation() -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none) | trim,
        identifier='int_adoption__model_ages_state',
        type='table',
    )) }}
{%- endmacro %}

{#- The kept state, or none when an incremental build has none to read (a first build, a full
    refresh, Spark, a warehouse from before it existed: the ages are rebuilt whole then). -#}
{% macro kept_model_ages_state() -%}
    {%- if not execute or target.type == 'spark' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(load_relation(model_ages_state_relation())) }}
{%- endmacro %}

{#- A list of days (`derivative_days`, `token_days`) without the rebuilt days: the kept rows,
    all before `rebuild_from()`, read only these (an empty list for none). DuckDB. -#}
{% macro days_before_rebuild(list, day_field) -%}
    coalesce(list_filter({{ list }}, lambda e: e.{{ day_field }} < {{ rebuild_from() }}), [])
{%- endmacro %}

{#- The models whose kept rows (before `rebuild_from()`) another build would compute otherwise:
    new, gone, or with another creation day, size, listing, or derivatives or tokens on a day
    before the rebuilt ones. A child created on a rebuilt day changes only rebuilt rows. -#}
{% macro model_ages_changed_models(kept) -%}
    select coalesce(current_.model_id, kept.model_id) as model_id
    from {{ ref('int_adoption__model_attributes') }} as current_
    full outer join {{ kept }} as kept on current_.model_id = kept.model_id
    where
        current_.model_id is null
        or kept.model_id is null
        or current_.created_date is distinct from kept.created_date
        or current_.parameter_count is distinct from kept.parameter_count
        or current_.is_on_openrouter is distinct from kept.is_on_openrouter
        or {{ days_before_rebuild('current_.derivative_days', 'created_date') }}
        is distinct from {{ days_before_rebuild('kept.derivative_days', 'created_date') }}
        or {{ days_before_rebuild('current_.token_days', 'usage_date') }}
        is distinct from {{ days_before_rebuild('kept.token_days', 'usage_date') }}
{%- endmacro %}

{#- The pre-hook: delete the kept rows the build rebuilds (all of them without a kept state). -#}
{% macro delete_rebuilt_model_ages() -%}
    {%- if is_incremental() -%}
        {%- set kept = kept_model_ages_state() -%}
        delete from {{ this }}
        {%- if kept is not none %}
        where
            snapshot_date >= {{ rebuild_from() }}
            or model_id in ({{ model_ages_changed_models(kept) }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The post-hook: the attributes the rows now rest on. -#}
{% macro write_model_ages_state() -%}
    {%- if target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    create or replace table {{ model_ages_state_relation() }} as
    select * from {{ ref('int_adoption__model_attributes') }}
{%- endmacro %}
