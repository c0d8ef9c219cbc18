-- Each model's lifetime download counter around the day each cumulative download claim is read
-- on: its last one on or before the day and its first one on or after it (the claims' lower and
-- upper bounds, int_claims__hub_download_readings). One row per claim x model observed.
-- Incremental on DuckDB: once every rebuilt day falls after every claim's day, a model's counter
-- before the day is kept, and so is its first one after it when that falls before the rebuilt
-- days; the others are found in the rebuilt days, not in the whole history (docs/incremental.md).
{{
    config(
        materialized=('table' if target.type == 'spark' else 'incremental'),
        incremental_strategy='rebuild',
        unique_key=['claim_id', 'model_id'],
        meta={'rebuilt_column': 'coalesce(counter_after_date, counter_before_date)'},
        on_schema_change='fail',
    )
}}

{%- set after_every_claim = rebuild_from_day() > counter_claim_dates().values() | max %}
{%- set incremental = is_incremental() and after_every_claim %}

with

daily as (
    select
        model_id,
        download_date,
        downloads_all_time
    from {{ ref('int_hub__model_downloads_daily') }}
    where downloads_all_time is not null
    {%- if incremental %}
        and download_date >= {{ rebuild_from() }}
    {%- endif %}
),

targets as (
    {{ counter_claim_targets() }}
),

counters as (
    select
        targets.claim_id,
        daily.model_id,
        {{ arg_max('daily.downloads_all_time', 'daily.download_date') }}
        filter (where daily.download_date <= targets.target_date) as counter_before,
        max(daily.download_date) filter (where daily.download_date <= targets.target_date)
            as counter_before_date,
        {{ arg_min('daily.downloads_all_time', 'daily.download_date') }}
        filter (where daily.download_date >= targets.target_date) as counter_after,
        min(daily.download_date) filter (where daily.download_date >= targets.target_date)
            as counter_after_date
    from daily
    cross join targets
    group by targets.claim_id, daily.model_id
),

{% if not incremental %}
final as (
    select * from counters
)
{% else %}
-- The rows the rebuild replaces: the models of the rebuilt days without a first counter after
-- the day before them, and the kept rows whose first counter after it is in the rebuilt days
-- (the strategy deletes those; one no longer in them, its day evicted, gets the next).
final as (
    select
        coalesce(kept.claim_id, counters.claim_id) as claim_id,
        coalesce(kept.model_id, counters.model_id) as model_id,
        kept.counter_before,
        kept.counter_before_date,
        counters.counter_after,
        counters.counter_after_date
    from counters
    full outer join {{ this }} as kept
        on counters.claim_id = kept.claim_id and counters.model_id = kept.model_id
    where
        kept.counter_after_date >= {{ rebuild_from() }}
        or (counters.model_id is not null and kept.model_id is null)
        or (counters.model_id is not null and kept.counter_after_date is null)
)
{% endif %}

select
    claim_id,
    model_id,
    cast(counter_before as bigint) as counter_before,
    counter_before_date,
    cast(counter_after as bigint) as counter_after,
    counter_after_date
from final
where counter_before is not null or counter_after is not null
