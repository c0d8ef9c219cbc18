-- One row per snapshot day x OpenRouter id: the newest fetch of each day (whole), with the
-- developer and country from the registry, the open-weights and text flags, and the blended
-- price. Unknown prices (sentinels) stay null; free ones are 0.
with

snapshots as (
    select * from {{ ref('stg_openrouter__models') }}
),

authors as (
    select * from {{ ref('int_openrouter__authors') }}
),

newest_fetch as (
    select *
    from snapshots
    qualify fetched_at = max(fetched_at) over (partition by snapshot_date)
),

classified as (
    select
        snapshot_date,
        model_id,
        price_tier,
        openrouter_id,
        -- Router aliases (`~anthropic/claude-opus-latest`) belong to the author after the `~`.
        trim(leading '~' from split_part(model_id, '/', 1)) as author,
        hugging_face_id,
        coalesce(hugging_face_id, '') != '' as is_open_weights,
        coalesce(output_modalities = {{ dbt.array_construct(["'text'"]) }}, false) as is_text_model,
        cast(created_at as date) as created_date,
        price_status,
        has_overrides,
        input_usd_per_mtok,
        output_usd_per_mtok,
        case
            when price_status = 'unknown' then null
            else {{ blended_price('input_usd_per_mtok', 'output_usd_per_mtok') }}
        end as blended_usd_per_mtok
    from newest_fetch
),

attributed as (
    select
        classified.snapshot_date,
        classified.model_id,
        classified.price_tier,
        classified.openrouter_id,
        classified.author,
        coalesce(authors.developer_id, 'unattributed') as developer_id,
        coalesce(authors.country, 'unattributed') as country,
        classified.hugging_face_id,
        classified.is_open_weights,
        classified.is_text_model,
        classified.created_date,
        classified.price_status,
        classified.has_overrides,
        classified.input_usd_per_mtok,
        classified.output_usd_per_mtok,
        classified.blended_usd_per_mtok
    from classified
    left join authors on classified.author = authors.author
)

select * from attributed
