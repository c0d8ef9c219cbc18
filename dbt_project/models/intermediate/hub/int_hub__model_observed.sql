-- What the daily observations say of each model: its newest observation's attributes, the span
-- it was observed over and its creation time (the earliest reported). One row per observed model;
-- `int_hub__models` joins it with the catalog and the registry.
--
-- Incremental on DuckDB (delete+insert on `model_id`): the observations built since this table's
-- last build (`built_at`) are merged into each model's row. A daily run's observations are newer
-- than every kept row, so they are merged with it; a model whose kept span reaches into the
-- rebuilt days (a rerun, a backfill) is summed again over its whole history. So a daily run reads
-- the day's observations and this table, not every observation of the history. Known edge: a
-- model observed only on a day later evicted from the raw layer keeps that day's row until it is
-- observed again or the table is rebuilt (`--full-refresh`). A table on Spark.
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='delete+insert',
        unique_key='model_id',
        on_schema_change='fail',
    )
}}
{%- set changes = observed_changes() %}

with

observations as (
    select * from {{ ref('int_hub__model_observations') }}
),

{% if changes is none %}
history as (
    select * from observations
),
{% else %}
changed as (
    select * from observations
    where built_at > timestamp '{{ changes.watermark }}'
),

rerun_models as (
    select kept.model_id from {{ this }} as kept
    where kept.last_observed_date >= date '{{ changes.first_day }}'
),

history as (
    select * from changed
    where model_id not in (select rerun_models.model_id from rerun_models)
    {%- if changes.has_rerun %}
    union all
    select * from observations
    where model_id in (select rerun_models.model_id from rerun_models)
    {%- endif %}
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

{% if changes is none %}
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
