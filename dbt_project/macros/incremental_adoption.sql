{#- `int_adoption__model_ages` rebuilds the days from `rebuild_from()` on and every day of a
    model whose attributes (`int_adoption__model_attributes`: creation day, size, derivatives,
    OpenRouter listing and tokens) changed since the build that wrote its rows; docs/incremental.md
    says why. -#}

{#- A table the ages keep beside their rows (not a dbt model): `int_adoption__model_ages_<suffix>`. -#}
{% macro model_ages_table(suffix) -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none) | trim,
        identifier='int_adoption__model_ages_' ~ suffix,
        type='table',
    )) }}
{%- endmacro %}

{#- The attributes each model's kept rows were built with: a copy of
    `int_adoption__model_attributes` written by the post-hook of `int_adoption__model_ages`, in
    the same transaction as its rows. Not a dbt model: the ages read it before writing it. -#}
{% macro model_ages_state_relation() -%}{{ return(model_ages_table('state')) }}{%- endmacro %}

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

{#- The changed models with rows before `rebuild_from()` (kept ones, or a new model first
    observed before it), written once per build when the model is compiled (before its hooks):
    `int_adoption__model_ages_changed`. The build, its pre-hook and its post-hook read the
    rows of these models beside the rebuilt days, and none when there are none: the history of
    the ages and of the daily downloads is then never scanned (a daily run's new models have no
    rows before it). -#}
{% macro model_ages_changed_relation() -%}{{ return(model_ages_table('changed')) }}{%- endmacro %}

{#- What the model's rows of the changed models are read from (a relation or a subquery), or
    none when no changed model has rows before the rebuilt days. In a unit test (the
    attributes are a fixture) the inline query, not a table. -#}
{% macro write_model_ages_changed(kept) -%}
    {#- Called at parse too, so that dbt knows the model reads int_hub__models. -#}
    {%- set models = ref('int_hub__models') -%}
    {%- if kept is none -%}{{ return(none) }}{%- endif -%}
    {%- if not execute or queryable(ref('int_adoption__model_attributes')) is none -%}
        {{ return('(' ~ model_ages_changed_models(kept) ~ ')') }}
    {%- endif -%}
    {%- call statement('model_ages_changed') -%}
        create or replace table {{ model_ages_changed_relation() }} as
        select changed.model_id
        from ({{ model_ages_changed_models(kept) }}) as changed
        where
            changed.model_id in (select kept.model_id from {{ kept }} as kept)
            or changed.model_id in (
                select models.model_id from {{ models }} as models
                where models.first_observed_date < {{ rebuild_from() }}
            )
    {%- endcall -%}
    {{ return(kept_model_ages_changed()) }}
{%- endmacro %}

{#- The hooks' view of it: the table the compiled model wrote, or none when it is empty. -#}
{% macro kept_model_ages_changed() -%}
    {%- set changed = model_ages_changed_relation() -%}
    {{ return(changed if any_row('select 1 from ' ~ changed) else none) }}
{%- endmacro %}

{#- The post-hook: the attributes the rows now rest on. -#}
{% macro write_model_ages_state() -%}
    {%- if target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    create or replace table {{ model_ages_state_relation() }} as
    select * from {{ ref('int_adoption__model_attributes') }}
{%- endmacro %}

{#- The cutoffs of relative adoption, kept with the ages they rest on: per (size class, age), the
    count and the top 10 of each ranking as ascending keys, the count negated then the model id
    (`top_downloads`, `top_derivatives`, `top_tokens`: unique keys, so whether a removed row was
    within a top 10 is exact), from which `int_adoption__relative_cutoffs` takes the 10th. Written by the post-hook of
    `int_adoption__model_ages` in the same transaction as its rows. DuckDB. -#}
{% macro model_ages_cutoffs_relation() -%}{{ return(model_ages_table('top10')) }}{%- endmacro %}

{#- The rows the pre-hook deleted (their values before), for the post-hook. -#}
{% macro model_ages_removed_relation() -%}{{ return(model_ages_table('removed')) }}{%- endmacro %}

{#- The rows a build replaces: its days, and every day of a changed model. -#}
{% macro model_ages_rebuilt_rows(changed) -%}
    snapshot_date >= {{ rebuild_from() }}
    {%- if changed is not none %} or model_id in (select changed.model_id from {{ changed }} as changed){% endif %}
{%- endmacro %}

{#- The pre-hook: keep the rows about to be rebuilt (for the cutoffs), then delete them (all of
    them without a kept state). -#}
{% macro delete_rebuilt_model_ages() -%}
    {%- if is_incremental() -%}
        {%- set kept = kept_model_ages_state() -%}
        {%- if kept is not none %}
        {%- set changed = kept_model_ages_changed() %}
        create or replace table {{ model_ages_removed_relation() }} as
        select size_class, age_days, model_id, downloads_all_time, derivatives, tokens
        from {{ this }}
        where {{ model_ages_rebuilt_rows(changed) }};
        delete from {{ this }} where {{ model_ages_rebuilt_rows(changed) }}
        {%- else %}
        delete from {{ this }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- A row's key in a ranking of `value` (`r`'s or `removed`'s): ascending is the ranking's order
    (largest first, ties by model id). -#}
{% macro top_key(value) -%}
    {%- set row = value.split('.')[0] -%}
    {k1: -{{ value }}, k2: {{ row }}.model_id}
{%- endmacro %}

{#- The 10 smallest keys of a group, ascending. -#}
{% macro top_keys(value) -%}
    min_by({{ top_key(value) }}, {{ top_key(value) }}, 10)
{%- endmacro %}

{#- Per (size class, age) of `relation`'s rows (`r`, joined with `join`, where `where` holds): the
    counts and the top 10s. -#}
{% macro cutoff_lists(relation, where='true', join='') -%}
    select
        r.size_class,
        r.age_days,
        count(*) as class_models_at_age,
        {{ top_keys('r.downloads_all_time') }} as top_downloads,
        {{ top_keys('r.derivatives') }} as top_derivatives,
        count(r.tokens) as token_models_at_age,
        coalesce({{ top_keys('r.tokens') }} filter (where r.tokens is not null), []) as top_tokens
    from {{ relation }} as r {{ join }}
    where {{ where }}
    group by r.size_class, r.age_days
{%- endmacro %}

{#- The post-hook writing the cutoffs. Rows only added to a group: its top 10 is the top 10 of
    the kept one and the added rows. A group that lost a row within its kept top 10 (or with
    fewer than 10 kept) is computed again from its rows. Without a kept state: every group. -#}
{% macro write_model_ages_cutoffs() -%}
    {%- if target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set kept = kept_model_ages_state() -%}
    {%- set kept_cutoffs = none if kept is none else load_relation(model_ages_cutoffs_relation()) -%}
    {%- set removed = none if kept is none else load_relation(model_ages_removed_relation()) -%}
    create or replace table {{ model_ages_cutoffs_relation() }} as
    {%- if kept_cutoffs is none or removed is none %}
    {{ cutoff_lists(this) }}
    {%- else %}
    with
    before as (select * from {{ kept_cutoffs }}),
    removed as (select * from {{ removed }}),
    lost as (
        select distinct removed.size_class, removed.age_days
        from removed
        left join before on removed.size_class = before.size_class and removed.age_days = before.age_days
        where
            before.size_class is null
            or len(before.top_downloads) < 10
            or {{ top_key('removed.downloads_all_time') }} <= before.top_downloads[10]
            or {{ top_key('removed.derivatives') }} <= before.top_derivatives[10]
            or (
                removed.tokens is not null
                and (len(before.top_tokens) < 10 or {{ top_key('removed.tokens') }} <= before.top_tokens[10])
            )
    ),
    removed_counts as (
        select size_class, age_days, count(*) as rows_removed, count(tokens) as tokens_removed
        from removed
        group by size_class, age_days
    ),
    added as ({{ cutoff_lists(this, model_ages_rebuilt_rows(kept_model_ages_changed())) }}),
    recomputed as (
        {{ cutoff_lists(this, join='semi join lost on r.size_class = lost.size_class and r.age_days = lost.age_days') }}
    ),
    merged as (
        select
            coalesce(before.size_class, added.size_class) as size_class,
            coalesce(before.age_days, added.age_days) as age_days,
            coalesce(before.class_models_at_age, 0) - coalesce(removed_counts.rows_removed, 0)
            + coalesce(added.class_models_at_age, 0) as class_models_at_age,
            list_slice(list_sort(list_concat(before.top_downloads, added.top_downloads)), 1, 10)
                as top_downloads,
            list_slice(list_sort(list_concat(before.top_derivatives, added.top_derivatives)), 1, 10)
                as top_derivatives,
            coalesce(before.token_models_at_age, 0) - coalesce(removed_counts.tokens_removed, 0)
            + coalesce(added.token_models_at_age, 0) as token_models_at_age,
            list_slice(list_sort(list_concat(before.top_tokens, added.top_tokens)), 1, 10)
                as top_tokens
        from before
        full outer join added on before.size_class = added.size_class and before.age_days = added.age_days
        left join removed_counts
            on
                coalesce(before.size_class, added.size_class) = removed_counts.size_class
                and coalesce(before.age_days, added.age_days) = removed_counts.age_days
    )
    select merged.* from merged
    anti join lost on merged.size_class = lost.size_class and merged.age_days = lost.age_days
    where merged.class_models_at_age > 0
    union all
    select * from recomputed
    {%- endif %}
{%- endmacro %}
