-- What `int_adoption__model_ages` applies from today's catalog to every day of a model: its
-- creation day and size class, the derivatives created per day (direct children in the
-- lineage), whether it is listed on OpenRouter (its `hugging_face_id`) and the tokens its
-- OpenRouter models served per day in the top 50. One row per model with a creation day. Kept
-- after each build of the ages (`int_adoption__model_ages_state`): a model whose attributes
-- changed is rebuilt whole there (docs/incremental.md, int_adoption__model_ages).
with

models as (
    select * from {{ ref('int_hub__models') }}
    where created_date is not null
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

-- Derivatives per parent and creation day.
children as (
    select
        parent_model_id,
        created_date,
        count(*) as derivatives
    from lineage
    where parent_model_id is not null and created_date is not null
    group by parent_model_id, created_date
),

derivative_days as (
    select
        parent_model_id as model_id,
        {{ ordered_list_agg(struct_of(['created_date', 'derivatives']), 'created_date') }} as derivative_days
    from children
    group by parent_model_id
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

token_days as (
    select
        model_id,
        {{ ordered_list_agg(struct_of(['usage_date', 'tokens']), 'usage_date') }} as token_days
    from hub_tokens
    group by model_id
),

on_openrouter as (
    select distinct hugging_face_id as model_id
    from listed
    where coalesce(hugging_face_id, '') != ''
),

final as (
    select
        models.model_id,
        models.created_date,
        models.parameter_count,
        case
            when models.parameter_count is null then 'unknown'
            when models.parameter_count < 1000000000 then 'under 1B'
            when models.parameter_count < 10000000000 then '1-9B'
            when models.parameter_count < 50000000000 then '10-49B'
            when models.parameter_count < 100000000000 then '50-99B'
            else '100B or more'
        end as size_class,
        derivative_days.derivative_days,
        on_openrouter.model_id is not null as is_on_openrouter,
        case when on_openrouter.model_id is not null then token_days.token_days end as token_days
    from models
    left join derivative_days on models.model_id = derivative_days.model_id
    left join on_openrouter on models.model_id = on_openrouter.model_id
    left join token_days on models.model_id = token_days.model_id
)

select * from final
