-- The cutoffs of relative adoption: per size class and age, the 10th most downloaded model
-- (ties by model id) and its downloads, the 10th largest derivative count and, among the
-- class's models listed on OpenRouter, the 10th largest token count, with the samples behind
-- them. `mart_relative_adoption` divides each model-day by its class's cutoff at its age.
-- A top-10 aggregate per (class, age), a few thousand rows: no window over the model-days.
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

select * from final
