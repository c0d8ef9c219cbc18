with

source as (
    select * from {{ source('raw_openrouter', 'rankings') }}
),

renamed as (
    select
        cast(usage_date as date) as usage_date,
        cast(snapshot_date as date) as snapshot_date,
        fetched_at,
        source_uri,
        rank,
        model_permaslug,
        is_other,
        total_tokens_text,
        cast(total_tokens as decimal(38, 0)) as total_tokens,
        as_of,
        meta_version
    from source
)

select * from renamed
