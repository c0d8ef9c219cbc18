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
        attributes.derivative_days,
        attributes.token_days,
        daily.downloads_all_time
    from daily
    inner join attributes on daily.model_id = attributes.model_id
    where attributes.created_date <= daily.download_date
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
        -- The derivatives created by then (the attributes' list per creation day), and the
        -- tokens served by then (null for a model not listed on OpenRouter).
        {{ list_sum_where(
            'observed.derivative_days', 'e', 'e.created_date <= observed.snapshot_date', 'e.derivatives', 'bigint'
        ) }} as derivatives,
        case
            when observed.is_on_openrouter
                then {{ list_sum_where(
                    'observed.token_days', 'e', 'e.usage_date <= observed.snapshot_date', 'e.tokens', 'decimal(38, 0)'
                ) }}
        end as tokens,
        -- When the row was derived (the dbt invocation's start): publishing hashes again only
        -- the months holding rows derived since it last published (orchestration/lib/marts_months.py).
        {{ build_stamp() }} as derived_at
    from observed
)

select * from final
