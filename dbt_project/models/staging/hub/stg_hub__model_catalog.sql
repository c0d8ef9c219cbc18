with

source as (
    select * from {{ source('raw_hub', 'model_catalog') }}
),

renamed as (
    select
        {{ hub_stats_columns() }}
    from source
)

select * from renamed
