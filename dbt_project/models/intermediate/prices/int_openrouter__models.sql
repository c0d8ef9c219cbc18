-- One row per snapshot day x OpenRouter model (id without its variant suffix). A model's
-- variants share its Hub repository and developer; a model counts as open weights or as a
-- text model when any of its variants does (they are the same model).
with

prices as (
    select * from {{ ref('int_openrouter__prices') }}
),

models as (
    select
        snapshot_date,
        model_id,
        max(hugging_face_id) as hugging_face_id,
        any_value(developer_id) as developer_id,
        any_value(country) as country,
        bool_or(is_open_weights) as is_open_weights,
        bool_or(is_text_model) as is_text_model
    from prices
    group by snapshot_date, model_id
)

select * from models
