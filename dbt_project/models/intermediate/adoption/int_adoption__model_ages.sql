-- Each model on each day a snapshot observed it (its lifetime counter read, not a stale
-- repeat or a day spread over a gap), at its age in days since its creation: the cumulative
-- downloads then, the derivatives created by then (direct children in the lineage), the
-- OpenRouter tokens served by then where the model is listed there (its `hugging_face_id`),
-- and its size class by parameter count (the safetensors total of the catalog or snapshots).
-- The axis `mart_relative_adoption` compares models of one class at the same age on.
with

daily as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
    where downloads_all_time is not null
),

models as (
    select * from {{ ref('int_hub__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

openrouter_models as (
    select * from {{ ref('int_openrouter__models') }}
),

usage as (
    select * from {{ ref('int_openrouter__usage') }}
    where not is_other
),

observed as (
    select
        daily.model_id,
        daily.download_date as snapshot_date,
        models.created_date,
        cast({{ dbt.datediff('models.created_date', 'daily.download_date', 'day') }} as integer)
            as age_days,
        models.parameter_count,
        case
            when models.parameter_count is null then 'unknown'
            when models.parameter_count < 1000000000 then 'under 1B'
            when models.parameter_count < 10000000000 then '1-9B'
            when models.parameter_count < 50000000000 then '10-49B'
            when models.parameter_count < 100000000000 then '50-99B'
            else '100B or more'
        end as size_class,
        daily.downloads_all_time
    from daily
    inner join models on daily.model_id = models.model_id
    where models.created_date is not null and models.created_date <= daily.download_date
),

-- Derivatives per parent and creation day, summed up to each observed day below.
children as (
    select
        parent_model_id,
        created_date,
        count(*) as derivatives
    from lineage
    where parent_model_id is not null and created_date is not null
    group by parent_model_id, created_date
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

-- The Hub repository of each OpenRouter model (its newest listing) and its tokens per day in
-- the top 50, variants included.
listed as (
    select
        model_id,
        {{ arg_max('hugging_face_id', 'snapshot_date') }} as hugging_face_id
    from openrouter_models
    group by model_id
),

hub_tokens as (
    select
        listed.hugging_face_id as model_id,
        usage.usage_date,
        sum(usage.tokens) as tokens
    from usage
    inner join listed on usage.model_id = listed.model_id
    where coalesce(listed.hugging_face_id, '') != ''
    group by listed.hugging_face_id, usage.usage_date
),

on_openrouter as (
    select distinct hugging_face_id as model_id
    from listed
    where coalesce(hugging_face_id, '') != ''
),

tokens as (
    select
        observed.model_id,
        observed.snapshot_date,
        coalesce(sum(hub_tokens.tokens), 0) as tokens
    from observed
    inner join on_openrouter on observed.model_id = on_openrouter.model_id
    left join hub_tokens
        on
            observed.model_id = hub_tokens.model_id
            and observed.snapshot_date >= hub_tokens.usage_date
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
        cast(tokens.tokens as decimal(38, 0)) as tokens
    from observed
    inner join derivatives
        on observed.model_id = derivatives.model_id and observed.snapshot_date = derivatives.snapshot_date
    left join tokens
        on observed.model_id = tokens.model_id and observed.snapshot_date = tokens.snapshot_date
)

select * from final
