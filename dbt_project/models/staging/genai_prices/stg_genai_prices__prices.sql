with

source as (
    select * from {{ source('raw_genai_prices', 'prices') }}
),

renamed as (
    select
        provider_id,
        model_ref,
        model_name,
        price_tier,
        price_index,
        start_date,
        is_override,
        has_size_tiers,
        cast(input_usd_per_mtok as decimal(38, 18)) as input_usd_per_mtok,
        cast(output_usd_per_mtok as decimal(38, 18)) as output_usd_per_mtok,
        package_version,
        cast(snapshot_date as date) as loaded_date,
        fetched_at,
        source_uri
    from source
)

select * from renamed
