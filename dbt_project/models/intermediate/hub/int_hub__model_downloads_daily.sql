{{
    config(
        materialized='incremental',
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        unique_key='download_date',
        partition_by=(['download_date'] if target.type == 'spark' else none),
        on_schema_change='append_new_columns',
    )
}}

-- Daily downloads derived from the lifetime counter of daily snapshots.
-- How it rebuilds, and why: docs/incremental.md (int_hub__model_downloads_daily).

with

stale_days as (
    select snapshot_date from {{ ref('int_hub__snapshot_days') }}
    where is_stale
),

-- A stale day's unchanged counters repeat an earlier day: they are not observations, and the
-- downloads of their gap are spread between the real observations around them.
observations as (
    select
        observed.model_id,
        observed.snapshot_date,
        observed.downloads_all_time
    from {{ ref('int_hub__model_observations') }} as observed
    where not (
        observed.is_unchanged
        and observed.snapshot_date in (select stale_days.snapshot_date from stale_days)
    )
),

{% if is_incremental() %}
-- Days whose observations changed outside the requested partitions: a day evicted from the raw
-- layer still has observed rows here, a day admitted to it has none yet. The request widens to
-- them, so the next run puts them right whatever its own days are.
changed_days as (
    (
        select download_date as changed_date from {{ this }}
        where downloads_all_time is not null
        except
        select snapshot_date from observations
    )
    union all
    (
        select snapshot_date from observations
        except
        select download_date from {{ this }}
        where downloads_all_time is not null
    )
),

requested as (
    select
        least(
            {{ partition_start_date() }},
            coalesce((select min(changed_date) from changed_days), {{ partition_start_date() }})
        ) as start_date,
        greatest(
            {{ partition_end_date() }},
            coalesce((select max(changed_date) from changed_days), {{ partition_end_date() }})
        ) as end_date
),

touched_models as (
    select distinct observations.model_id
    from observations
    cross join requested
    where observations.snapshot_date between requested.start_date and requested.end_date
),

neighbours as (
    select
        observations.model_id,
        max(
            case when observations.snapshot_date < requested.start_date then observations.snapshot_date end
        ) as previous_date,
        min(
            case when observations.snapshot_date > requested.end_date then observations.snapshot_date end
        ) as next_date
    from observations
    inner join touched_models on observations.model_id = touched_models.model_id
    cross join requested
    group by observations.model_id
),

recompute_window as (
    select
        least(min(requested.start_date), coalesce(min(neighbours.previous_date), min(requested.start_date)))
            as window_start,
        greatest(max(requested.end_date), coalesce(max(neighbours.next_date), max(requested.end_date)))
            as window_end
    from requested
    left join neighbours on true
),
{% else %}
recompute_window as (
    select
        min(snapshot_date) as window_start,
        max(snapshot_date) as window_end
    from observations
),
{% endif %}

anchor_before as (
    select
        observations.model_id,
        max(observations.snapshot_date) as snapshot_date,
        {{ arg_max('observations.downloads_all_time', 'observations.snapshot_date') }} as downloads_all_time
    from observations
    cross join recompute_window
    where observations.snapshot_date < recompute_window.window_start
    group by observations.model_id
),

anchor_after as (
    select
        observations.model_id,
        min(observations.snapshot_date) as snapshot_date,
        {{ arg_min('observations.downloads_all_time', 'observations.snapshot_date') }} as downloads_all_time
    from observations
    cross join recompute_window
    where observations.snapshot_date > recompute_window.window_end
    group by observations.model_id
),

series as (
    select observations.*
    from observations
    cross join recompute_window
    where observations.snapshot_date between recompute_window.window_start and recompute_window.window_end
    union all
    select * from anchor_before
    union all
    select * from anchor_after
),

pairs as (
    select
        model_id,
        snapshot_date as observed_date,
        downloads_all_time,
        lag(snapshot_date) over by_model as previous_date,
        lag(downloads_all_time) over by_model as previous_downloads_all_time
    from series
    window by_model as (partition by model_id order by snapshot_date)
),

first_observations as (
    select
        model_id,
        observed_date as download_date,
        downloads_all_time,
        cast(null as bigint) as downloads,
        false as is_interpolated,
        false as is_counter_correction,
        cast(null as integer) as observation_gap_days
    from pairs
    where previous_date is null
),

gaps as (
    select
        model_id,
        previous_date,
        observed_date,
        downloads_all_time,
        cast({{ dbt.datediff('previous_date', 'observed_date', 'day') }} as integer) as gap_days,
        downloads_all_time - previous_downloads_all_time as increase
    from pairs
    where previous_date is not null
),

spread as (
    select
        gaps.model_id,
        cast(gaps.previous_date + cast(steps.step as integer) as date) as download_date,
        case when steps.step = gaps.gap_days then gaps.downloads_all_time end as downloads_all_time,
        case
            when gaps.increase < 0 then 0
            else
                {{ integer_divide('gaps.increase * steps.step', 'gaps.gap_days') }}
                - {{ integer_divide('gaps.increase * (steps.step - 1)', 'gaps.gap_days') }}
        end as downloads,
        gaps.gap_days > 1 as is_interpolated,
        gaps.increase < 0 and steps.step = gaps.gap_days as is_counter_correction,
        gaps.gap_days as observation_gap_days
    from gaps
    cross join {{ unnest_table(integer_range('1', 'gaps.gap_days')) }} as steps (step)
),

daily as (
    select * from first_observations
    union all
    select * from spread
),

final as (
    select
        daily.model_id,
        daily.download_date,
        cast(daily.downloads_all_time as bigint) as downloads_all_time,
        cast(daily.downloads as bigint) as downloads,
        daily.is_interpolated,
        daily.is_counter_correction,
        daily.observation_gap_days,
        -- When this row was derived (the dbt invocation's start): the period sums downstream
        -- (`int_hub__model_downloads_periods`) recompute the periods of rows newer than theirs.
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as derived_at
    from daily
    cross join recompute_window
    where daily.download_date between recompute_window.window_start and recompute_window.window_end
)

select * from final
