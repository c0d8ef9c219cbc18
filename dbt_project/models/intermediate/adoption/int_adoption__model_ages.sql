-- Each model on each day a snapshot observed it (its lifetime counter read, not a stale
-- repeat or a day spread over a gap), at its age in days since its creation: the cumulative
-- downloads then, the derivatives created by then (direct children in the lineage), the
-- OpenRouter tokens served by then where the model is listed there (its `hugging_face_id`),
-- and its size class by parameter count (the safetensors total of the catalog or snapshots).
-- The axis `mart_relative_adoption` compares models of one class at the same age on.
-- How it rebuilds, and why: docs/incremental.md (int_adoption__model_ages). Its post-hooks keep
-- the cutoffs per class and age, then the attributes the rows rest on (the cutoffs first: they
-- find the rebuilt rows with the attributes of before).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_rebuilt_model_ages() }}",
        post_hook=["{{ write_model_ages_cutoffs() }}", "{{ write_model_ages_state() }}"],
    )
}}
{%- set kept_state = kept_model_ages_state() %}
{%- set changed = write_model_ages_changed(kept_state) %}

with

attributes as (
    select * from {{ ref('int_adoption__model_attributes') }}
),

daily as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
    where
        downloads_all_time is not null
    {% if is_incremental() and kept_state is not none %}
        -- The rebuilt days, and every day of a model whose attributes changed.
        and (
            download_date >= {{ rebuild_from() }}
            {%- if changed is not none %}
            or model_id in (select changed.model_id from {{ changed }} as changed)
            {%- endif %}
        )
    {% endif %}
),

observed as (
    select
        daily.model_id,
        daily.download_date as snapshot_date,
        attributes.created_date,
        cast({{ dbt.datediff('attributes.created_date', 'daily.download_date', 'day') }} as integer)
            as age_days,
        attributes.parameter_count,
        attributes.size_class,
        attributes.is_on_openrouter,
        daily.downloads_all_time
    from daily
    inner join attributes on daily.model_id = attributes.model_id
    where attributes.created_date <= daily.download_date
),

-- Derivatives per parent and creation day, summed up to each observed day below.
children as (
    select
        attributes.model_id as parent_model_id,
        -- A field of the unnested struct, not a table's column.
        child.entry.created_date,  -- noqa: RF01
        child.entry.derivatives  -- noqa: RF01
    from attributes
    cross join {{ unnest_table('attributes.derivative_days') }} as child (entry)
),

derivatives as (
    select
        observed.model_id,
        observed.snapshot_date,
        coalesce(sum(children.derivatives), 0) as derivatives
    from observed
    left join children
        on
            observed.model_id = children.parent_model_id
            and observed.snapshot_date >= children.created_date
    group by observed.model_id, observed.snapshot_date
),

-- The tokens per day of the models listed on OpenRouter (their OpenRouter models' top 50).
hub_tokens as (
    select
        attributes.model_id,
        usage_day.entry.usage_date,  -- noqa: RF01
        usage_day.entry.tokens  -- noqa: RF01
    from attributes
    cross join {{ unnest_table('attributes.token_days') }} as usage_day (entry)
),

tokens as (
    select
        observed.model_id,
        observed.snapshot_date,
        coalesce(sum(hub_tokens.tokens), 0) as tokens
    from observed
    left join hub_tokens
        on
            observed.model_id = hub_tokens.model_id
            and observed.snapshot_date >= hub_tokens.usage_date
    where observed.is_on_openrouter
    group by observed.model_id, observed.snapshot_date
),

final as (
    select
        observed.model_id,
        observed.snapshot_date,
        observed.created_date,
        observed.age_days,
        observed.parameter_count,
        observed.size_class,
        observed.downloads_all_time,
        cast(derivatives.derivatives as bigint) as derivatives,
        cast(tokens.tokens as decimal(38, 0)) as tokens,
        -- When the row was derived (the dbt invocation's start): publishing hashes again only
        -- the months holding rows derived since it last published (orchestration/lib/marts_months.py).
        {{ build_stamp() }} as derived_at
    from observed
    inner join derivatives
        on observed.model_id = derivatives.model_id and observed.snapshot_date = derivatives.snapshot_date
    left join tokens
        on observed.model_id = tokens.model_id and observed.snapshot_date = tokens.snapshot_date
)

select * from final
