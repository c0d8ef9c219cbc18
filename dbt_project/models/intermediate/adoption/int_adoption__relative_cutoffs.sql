-- The cutoffs of relative adoption: per size class and age, the 10th most downloaded model
-- (ties by model id) and its downloads, the 10th largest derivative count and, among the
-- class's models listed on OpenRouter, the 10th largest token count, with the samples behind
-- them. `mart_relative_adoption` divides each model-day by its class's cutoff at its age.
-- On DuckDB the 10th of each top 10 that `int_adoption__model_ages` keeps with its rows
-- (updated from the rows each build replaced: docs/incremental.md); on Spark a top-10
-- aggregate over the model-days. Either way no window over the model-days.
{%- if target.type == 'spark' %}
with

ages as (
    select * from {{ ref('int_adoption__model_ages') }}
),

final as (
    select
        size_class,
        age_days,
        cast(count(*) as integer) as class_models_at_age,
        {{ nth_ordered('model_id', ['-downloads_all_time', 'model_id'], 10) }} as reference_model_id,
        {{ nth_ordered('downloads_all_time', ['-downloads_all_time', 'model_id'], 10) }}
            as reference_downloads,
        {{ nth_ordered('derivatives', ['-derivatives'], 10) }} as reference_derivatives,
        cast(count(tokens) as integer) as token_models_at_age,
        {{ nth_ordered('tokens', ['-tokens'], 10, where='tokens is not null') }} as reference_tokens
    from ages
    group by size_class, age_days
)
{%- else %}
-- depends_on: {{ ref('int_adoption__model_ages') }}
with

kept as (
    select * from {{ model_ages_cutoffs_relation() }}
),

final as (
    select
        size_class,
        age_days,
        cast(class_models_at_age as integer) as class_models_at_age,
        top_downloads[10].k2 as reference_model_id,
        -top_downloads[10].k1 as reference_downloads,
        -top_derivatives[10].k1 as reference_derivatives,
        cast(token_models_at_age as integer) as token_models_at_age,
        -top_tokens[10].k1 as reference_tokens
    from kept
)
{%- endif %}

select * from final
