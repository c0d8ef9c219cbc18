with

source as (
    select * from {{ source('raw_openrouter', 'models') }}
),

renamed as (
    select
        openrouter_id,
        model_id,
        price_tier,
        cast(snapshot_date as date) as snapshot_date,
        fetched_at,
        source_uri,
        canonical_slug,
        hugging_face_id,
        name as model_name,
        created_at,
        context_length,
        input_modalities,
        output_modalities,
        prompt_price as prompt_price_text,
        completion_price as completion_price_text,
        cast(input_usd_per_mtok as decimal(38, 18)) as input_usd_per_mtok,
        cast(output_usd_per_mtok as decimal(38, 18)) as output_usd_per_mtok,
        price_status,
        has_overrides,
        overrides as overrides_json,
        pricing as pricing_json
    from source
)

select * from renamed
