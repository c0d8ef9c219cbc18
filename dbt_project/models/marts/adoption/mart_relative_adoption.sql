-- Relative adoption (the ATOM Project's metric, as defined on 2026-05-25): a model's
-- cumulative downloads at an age, over those of the 10th most downloaded model of its size
-- class at the same age. Above 1: on track for the class's top 10. The same axis for
-- derivatives and, where the model is on OpenRouter, tokens. Only the ages a snapshot
-- observed count, and each cutoff states its sample (the class's models observed at that age,
-- and which model is 10th); with fewer than 10 models there is no cutoff and no ratio.
-- A view: every day moves the cutoffs of almost every age, so a table of the model-days would
-- be written whole daily; the cutoffs are a small table (`int_adoption__relative_cutoffs`).
{{ config(materialized="view") }}

with

ages as (
    select * from {{ ref('int_adoption__model_ages') }}
),

cutoffs as (
    select * from {{ ref('int_adoption__relative_cutoffs') }}
),

newest_rankings as (
    select max(as_of) as as_of from {{ ref('int_openrouter__usage') }}
),

final as (
    select
        ages.model_id,
        ages.snapshot_date,
        ages.created_date,
        ages.age_days,
        ages.size_class,
        ages.parameter_count,
        ages.downloads_all_time,
        cutoffs.class_models_at_age,
        cutoffs.reference_model_id,
        cutoffs.reference_downloads,
        cast(ages.downloads_all_time as double)
        / nullif(cast(cutoffs.reference_downloads as double), 0) as relative_adoption,
        ages.derivatives,
        cutoffs.reference_derivatives,
        cast(ages.derivatives as double)
        / nullif(cast(cutoffs.reference_derivatives as double), 0) as relative_derivatives,
        cast(ages.tokens as bigint) as tokens,
        cutoffs.token_models_at_age,
        cast(case when cutoffs.token_models_at_age >= 10 then cutoffs.reference_tokens end as bigint)
            as reference_tokens,
        case
            when cutoffs.token_models_at_age >= 10 and ages.tokens is not null
                then
                    cast(ages.tokens as double)
                    / nullif(cast(cutoffs.reference_tokens as double), 0)
        end as relative_tokens,
        case
            when ages.tokens is not null then {{ openrouter_citation('newest_rankings.as_of') }}
        end as source_citation
    from ages
    inner join cutoffs on ages.size_class = cutoffs.size_class and ages.age_days = cutoffs.age_days
    cross join newest_rankings
)

select * from final
