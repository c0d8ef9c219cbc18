-- One row per OpenRouter author of the `openrouter_authors` seed: the developer and country it
-- stands for. Authors not in the seed are `unattributed` where this is joined.
with

authors as (
    select * from {{ ref('openrouter_authors') }}
),

registry as (
    select * from {{ ref('developer_registry') }}
),

developers as (
    select
        developer_id,
        any_value(country) as country
    from registry
    group by developer_id
),

attributed as (
    select
        authors.author,
        authors.developer_id,
        developers.country
    from authors
    inner join developers on authors.developer_id = developers.developer_id
)

select * from attributed
