-- One row per usage day x ranked permaslug (and the day's `other` row), from the newest fetch of
-- each day. A permaslug is a `canonical_slug` of the model list plus an optional variant suffix
-- (`:free`): it is matched to the OpenRouter model that slug last named, and the variant keeps
-- its own row. Developer, country and open weights are the model's, as the price marts take
-- them (its newest listing); a permaslug the list never named is attributed by its author, with
-- open weights unknown (null). The `other` row is its own bucket: country `outside_top_50`.
with

rankings as (
    select * from {{ ref('stg_openrouter__rankings') }}
),

listings as (
    select * from {{ ref('stg_openrouter__models') }}
),

models as (
    select * from {{ ref('int_openrouter__models') }}
),

authors as (
    select * from {{ ref('int_openrouter__authors') }}
),

newest_fetch as (
    select *
    from rankings
    qualify fetched_at = max(fetched_at) over (partition by usage_date)
),

-- The model each dated slug last named (slugs are versioned: one model per slug in practice).
slugs as (
    select
        canonical_slug,
        model_id
    from listings
    where canonical_slug is not null
    qualify row_number() over (
        partition by canonical_slug order by snapshot_date desc, fetched_at desc, model_id asc
    ) = 1
),

latest_model as (
    select *
    from models
    qualify row_number() over (partition by model_id order by snapshot_date desc) = 1
),

split as (
    select
        *,
        split_part(model_permaslug, ':', 1) as base_slug,
        nullif(split_part(model_permaslug, ':', 2), '') as variant,
        split_part(model_permaslug, '/', 1) as author
    from newest_fetch
),

day_totals as (
    select
        usage_date,
        sum(total_tokens) as day_tokens
    from newest_fetch
    group by usage_date
),

matched as (
    select
        split.usage_date,
        split.rank,
        split.model_permaslug,
        split.is_other,
        split.variant,
        slugs.model_id,
        case
            when slugs.model_id is not null and split.variant is not null
                then slugs.model_id || ':' || split.variant
            else slugs.model_id
        end as openrouter_id,
        slugs.model_id is not null as is_listed,
        case
            when split.is_other then null
            else coalesce(latest_model.developer_id, authors.developer_id, 'unattributed')
        end as developer_id,
        case
            when split.is_other then 'outside_top_50'
            else coalesce(latest_model.country, authors.country, 'unattributed')
        end as country,
        latest_model.is_open_weights,
        latest_model.is_text_model,
        split.total_tokens as tokens,
        day_totals.day_tokens,
        split.as_of,
        split.fetched_at,
        split.source_uri
    from split
    inner join day_totals on split.usage_date = day_totals.usage_date
    left join slugs on not split.is_other and split.base_slug = slugs.canonical_slug
    left join latest_model on slugs.model_id = latest_model.model_id
    left join authors on not split.is_other and split.author = authors.author
)

select * from matched
