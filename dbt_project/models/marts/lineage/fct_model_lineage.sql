-- One row per derivative, with its parent, its relation and its root: selected from
-- `int_hub__model_lineage`, where the walk's results are put together.
with

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

final as (
    select
        model_id,
        parent_model_id,
        relation,
        parent_count,
        parent_model_ids,
        root_model_id,
        root_developer_id,
        root_country,
        depth,
        root_status,
        developer_id,
        country,
        created_date,
        is_repackaging
    from lineage
)

select * from final
