-- Each model's newest observation, observed span and creation time (int_hub__models joins it).
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_observed).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='rebuild',
        unique_key='model_id',
        meta={'rebuilt_column': 'last_observed_date'},
        on_schema_change='fail',
    )
}}

with

observations as (
    select * from {{ ref('int_hub__model_observations') }}
),

{% if not is_incremental() %}
history as (
    select * from observations
),
{% else %}
rebuilt as (
    select * from observations
    where snapshot_date >= {{ rebuild_from() }}
),

-- Kept models whose span reaches into the rebuilt days: summed again over their whole history.
rerun_models as (
    select kept.model_id from {{ this }} as kept
    where kept.last_observed_date >= {{ rebuild_from() }}
),

history as (
    select * from rebuilt
    where model_id not in (select rerun_models.model_id from rerun_models)
    union all
    select * from observations
    where model_id in (select rerun_models.model_id from rerun_models)
),
{% endif %}

aggregated as (
    select
        model_id,
        {{ arg_max(struct_of([
            'hub_org', 'pipeline_tag', 'library_name', 'tags', 'safetensors_parameter_count',
            'children_model_count',
        ]), 'snapshot_date') }} as latest,
        min(snapshot_date) as first_observed_date,
        max(snapshot_date) as last_observed_date,
        min(created_at) as created_at,
        max(built_at) as built_at
    from history
    group by model_id
),

flattened as (
    select
        aggregated.model_id,
        aggregated.latest.hub_org,
        aggregated.latest.pipeline_tag,
        aggregated.latest.library_name,
        aggregated.latest.tags,
        aggregated.latest.safetensors_parameter_count,
        aggregated.latest.children_model_count,
        aggregated.first_observed_date,
        aggregated.last_observed_date,
        aggregated.created_at,
        aggregated.built_at
    from aggregated
),

{% if not is_incremental() %}
final as (
    select * from flattened
)
{% else %}
-- A model of the day's observations (not a rerun) keeps its first day and earliest creation
-- time; its newest observation is the day's.
final as (
    select
        flattened.model_id,
        flattened.hub_org,
        flattened.pipeline_tag,
        flattened.library_name,
        flattened.tags,
        flattened.safetensors_parameter_count,
        flattened.children_model_count,
        least(flattened.first_observed_date, kept.first_observed_date) as first_observed_date,
        flattened.last_observed_date,
        least(flattened.created_at, kept.created_at) as created_at,
        flattened.built_at
    from flattened
    left join {{ this }} as kept
        on
            flattened.model_id = kept.model_id
            and flattened.model_id not in (select rerun_models.model_id from rerun_models)
)
{% endif %}

select * from final
