-- Relative adoption (the ATOM Project's metric, as defined on 2026-05-25): a model's
-- cumulative downloads at an age, over those of the 10th most downloaded model of its size
-- class at the same age. Above 1: on track for the class's top 10. The same axis for
-- derivatives and, where the model is on OpenRouter, tokens. Only the ages a snapshot
-- observed count, and each cutoff states its sample (the class's models observed at that age,
-- and which model is 10th); with fewer than 10 models there is no cutoff and no ratio.
with

ages as (
    select * from {{ ref('int_adoption__model_ages') }}
),

newest_rankings as (
    select max(as_of) as as_of from {{ ref('int_openrouter__usage') }}
),

-- Windows written out in full (no named window extended): the same SQL on DuckDB and Spark.
ranked as (
    select
        *,
        count(*) over (partition by size_class, age_days) as class_models_at_age,
        nth_value(downloads_all_time, 10) over (
            partition by size_class, age_days order by downloads_all_time desc, model_id asc
            rows between unbounded preceding and unbounded following
        ) as reference_downloads,
        nth_value(model_id, 10) over (
            partition by size_class, age_days order by downloads_all_time desc, model_id asc
            rows between unbounded preceding and unbounded following
        ) as reference_model_id,
        nth_value(derivatives, 10) over (
            partition by size_class, age_days order by derivatives desc, model_id asc
            rows between unbounded preceding and unbounded following
        ) as reference_derivatives,
        count(tokens) over (partition by size_class, age_days) as token_models_at_age,
        nth_value(tokens, 10) over (
            partition by size_class, age_days order by tokens desc nulls last, model_id asc
            rows between unbounded preceding and unbounded following
        ) as reference_tokens
    from ages
),

final as (
    select
        ranked.model_id,
        ranked.snapshot_date,
        ranked.created_date,
        ranked.age_days,
        ranked.size_class,
        ranked.parameter_count,
        ranked.downloads_all_time,
        cast(ranked.class_models_at_age as integer) as class_models_at_age,
        ranked.reference_model_id,
        ranked.reference_downloads,
        cast(ranked.downloads_all_time as double)
        / nullif(cast(ranked.reference_downloads as double), 0) as relative_adoption,
        ranked.derivatives,
        ranked.reference_derivatives,
        cast(ranked.derivatives as double)
        / nullif(cast(ranked.reference_derivatives as double), 0) as relative_derivatives,
        cast(ranked.tokens as bigint) as tokens,
        cast(ranked.token_models_at_age as integer) as token_models_at_age,
        cast(case when ranked.token_models_at_age >= 10 then ranked.reference_tokens end as bigint)
            as reference_tokens,
        case
            when ranked.token_models_at_age >= 10 and ranked.tokens is not null
                then
                    cast(ranked.tokens as double)
                    / nullif(cast(ranked.reference_tokens as double), 0)
        end as relative_tokens,
        case
            when ranked.tokens is not null then {{ openrouter_citation('newest_rankings.as_of') }}
        end as source_citation
    from ranked
    cross join newest_rankings
)

select * from final
