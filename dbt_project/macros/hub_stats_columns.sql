{#- The rename-and-cast of a raw table in the hub-stats layout, shared by the staging models
    of the daily snapshots and of the catalog so the two can never drift apart. -#}
{% macro hub_stats_columns() %}
        id as model_id,
        author as hub_org,
        cast(snapshot_date as date) as snapshot_date,
        fetched_at,
        source_uri,
        createdat as created_at,
        lastmodified as last_modified_at,
        downloads as downloads_30d,
        downloadsalltime as downloads_all_time,
        likes,
        trendingscore as trending_score,
        tags,
        pipeline_tag,
        library_name,
        carddata as card_data,
        safetensors.total as safetensors_parameter_count,
        basemodels.relation as base_model_relation,
        {{ list_transform('basemodels.models', 'base_model', 'base_model.id') }} as base_model_ids,
        childrenmodelcount as children_model_count
{%- endmacro %}
