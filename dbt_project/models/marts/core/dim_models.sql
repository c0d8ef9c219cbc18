with

models as (
    select * from {{ ref('int_hub__models') }}
),

descendants as (
    select * from {{ ref('int_hub__model_descendants') }}
),

counted as (
    select
        models.*,
        coalesce(descendants.derivative_count, 0) as derivative_count,
        coalesce(descendants.descendant_count, 0) as descendant_count
    from models
    left join descendants on models.model_id = descendants.model_id
),

final as (
    select
        model_id,
        model_name,
        hub_org,
        developer_id,
        country,
        family,
        cast(parameter_count as bigint) as parameter_count,
        cast(hub_derivative_count as bigint) as hub_derivative_count,
        derivative_count,
        descendant_count,
        created_at,
        created_date,
        license,
        pipeline_tag,
        library_name,
        first_observed_date,
        last_observed_date,
        is_tracked,
        is_in_catalog,
        parent_model_id,
        base_model_relation,
        parent_model_id is not null as is_derivative,
        is_repackaging
    from counted
)

select * from final
