-- Everything the market-share marts count, as dated events (metrics, scopes and the developer
-- key: _market__intermediate.yml). A view: its daily downloads are the whole history's, and
-- int_market__periods reads them already summed per period (int_hub__model_downloads_periods).
{{ config(materialized='view') }}

with

daily as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
),

models as (
    select * from {{ ref('int_hub__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

api_catalogue as (
    select * from {{ ref('int_openrouter__models') }}
),

downloads as (
    select
        daily.download_date as event_date,
        'downloads' as metric,
        daily.model_id,
        models.country,
        models.developer_id,
        models.hub_org,
        models.is_repackaging,
        daily.downloads as value
    from daily
    inner join models on daily.model_id = models.model_id
    where daily.downloads is not null
),

new_models as (
    select
        created_date as event_date,
        'new_models' as metric,
        model_id,
        country,
        developer_id,
        hub_org,
        is_repackaging,
        1 as value
    from models
    where created_date is not null
),

new_derivatives as (
    select
        created_date as event_date,
        metric_name.metric,
        model_id,
        root_country as country,
        root_developer_id as developer_id,
        split_part(root_model_id, '/', 1) as hub_org,
        coalesce(is_repackaging, false) as is_repackaging,
        1 as value
    from lineage
    cross join {{ unnest_table(dbt.array_construct(["'new_derivatives'", "'derivatives_' || relation"])) }} as metric_name (metric)
    where created_date is not null
),

api_models as (
    select
        snapshot_date as event_date,
        'api_models' as metric,
        model_id,
        country,
        developer_id,
        split_part(model_id, '/', 1) as hub_org,
        false as is_repackaging,
        1 as value
    from api_catalogue
    where is_open_weights
),

events as (
    select * from downloads
    union all
    select * from new_models
    union all
    select * from new_derivatives
    union all
    select * from api_models
),

scoped as (
    select
        event_date,
        metric,
        'ecosystem' as scope,
        model_id,
        country,
        developer_id,
        hub_org,
        value
    from events
    union all
    select
        event_date,
        metric,
        'mainline' as scope,
        model_id,
        country,
        developer_id,
        hub_org,
        value
    from events
    where not is_repackaging
),

final as (
    select
        event_date,
        metric,
        scope,
        model_id,
        country,
        developer_id,
        {{ developer_key('developer_id', 'hub_org') }} as developer_key,
        cast(value as bigint) as value
    from scoped
)

select * from final
