-- Daily downloads per model, selected from `int_hub__model_downloads_daily`, where the
-- derivation from the lifetime counter lives (incrementally, day by day). A view: copying the
-- whole history into a table on every run would make a daily run cost more each day.
{{ config(materialized="view") }}

with

downloads as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
),

final as (
    select
        model_id,
        download_date,
        downloads_all_time,
        downloads,
        is_interpolated,
        is_counter_correction,
        observation_gap_days,
        -- Every figure here is a difference of the lifetime counter; the Hub's 30-day window
        -- (old revisions without the counter) is in fct_model_downloads_window, never here.
        'lifetime_counter' as downloads_method
    from downloads
)

select * from final
