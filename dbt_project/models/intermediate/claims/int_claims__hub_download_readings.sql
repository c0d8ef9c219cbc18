-- The download claims under their own definition and the nearest alternatives the data
-- supports, one rule changed at a time: repackagers (GGUF, MLX, quantisations) left out, and
-- the downloads credited to the developer of the root model a derivative's chain of parents
-- leads to instead of its own developer. One row per claim x reading; `int_claims__readings`
-- judges them. Periods are complete: a month counts only when the downloads cover all its days.
-- The cumulative claims' counters come from int_claims__hub_download_counters (kept per model).
with

claims as (
    select * from {{ ref('claims') }}
),

models as (
    select * from {{ ref('int_hub__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

daily as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
),

periods as (
    select * from {{ ref('int_hub__model_downloads_periods') }}
    where period_grain = 'month'
),

crossovers as (
    select * from {{ ref('int_market__crossovers') }}
    where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month'
),

readings as (
    select
        reading.reading_id,
        reading.reading,
        reading.with_repackagers,
        reading.credit
    from (
        values
        ('as_defined', 'as defined: credit to the developer, repackagers included', true, 'developer'),
        ('without_repackagers', 'repackagers (GGUF, MLX, quantisations) left out', false, 'developer'),
        ('root_model_credit', 'credit to the developer of the root model', true, 'root_model')
    ) as reading (reading_id, reading, with_repackagers, credit)
),

-- Each model's country under each reading (a model outside any reading's sample is dropped).
attributed as (
    select
        readings.reading_id,
        models.model_id,
        case
            when readings.credit = 'developer' then models.country
            else coalesce(lineage.root_country, models.country)
        end as country
    from models
    left join lineage on models.model_id = lineage.model_id
    cross join readings
    where readings.with_repackagers or not models.is_repackaging
),

download_span as (
    select
        min(download_date) as first_day,
        max(download_date) as last_day
    from daily
    where downloads is not null
),

-- The latest month whose every day has derived downloads.
complete_month as (
    select
        max(periods.period_start) as month_start,
        cast(max(periods.period_start) + interval 1 month - interval 1 day as date) as month_end
    from periods
    cross join download_span
    where
        periods.period_start >= download_span.first_day
        and cast(periods.period_start + interval 1 month - interval 1 day as date)
        <= download_span.last_day
),

month_sides as (
    select
        attributed.reading_id,
        sum(periods.downloads) filter (where attributed.country = 'CN') as cn,
        sum(periods.downloads) filter (where attributed.country = 'US') as us,
        sum(periods.downloads) as all_,
        count(distinct periods.model_id) filter (where attributed.country = 'CN') as cn_models,
        count(distinct periods.model_id) filter (where attributed.country = 'US') as us_models
    from periods
    inner join complete_month on periods.period_start = complete_month.month_start
    inner join attributed on periods.model_id = attributed.model_id
    where periods.downloads > 0
    group by attributed.reading_id
),

-- "Chinese open models' downloads passed US ones": who leads the latest complete month.
passed as (
    select
        'cn_downloads_passed_us' as claim_id,
        readings.reading_id,
        readings.reading,
        cast(sides.cn as double) / nullif(cast(sides.all_ as double), 0) as measured_number,
        case
            when
                sides.cn_models >= {{ var('crossover_min_models') }}
                and sides.us_models >= {{ var('crossover_min_models') }}
                then coalesce(sides.cn, 0) > coalesce(sides.us, 0)
        end as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        case
            when complete_month.month_start is null then 'no complete month of downloads'
            else printf(
                'CN %.1f%% vs US %.1f%% of downloads in %s (complete month)',
                100 * cast(coalesce(sides.cn, 0) as double) / nullif(cast(sides.all_ as double), 0),
                100 * cast(coalesce(sides.us, 0) as double) / nullif(cast(sides.all_ as double), 0),
                {{ format_date('complete_month.month_start', '%Y-%m') }}
            )
        end as measured_value,
        complete_month.month_start as window_start,
        complete_month.month_end as window_end,
        printf(
            'the tracked organisations only: %d Chinese and %d US models with downloads in the month',
            coalesce(sides.cn_models, 0),
            coalesce(sides.us_models, 0)
        ) as coverage,
        case
            when complete_month.month_start is null
                then 'No month is covered by the snapshots from its first day to its last.'
            when
                coalesce(sides.cn_models, 0) < {{ var('crossover_min_models') }}
                or coalesce(sides.us_models, 0) < {{ var('crossover_min_models') }}
                then printf(
                    'The month rests on fewer than %d models on a side.',
                    {{ var('crossover_min_models') }}
                )
            when crossing.crossover_period_start is not null
                then printf(
                    'China first led in %s (CN %.1f%% vs US %.1f%%, every month, complete or not).',
                    {{ format_date('crossing.crossover_period_start', '%Y-%m') }},
                    100 * crossing.china_share_at_crossover,
                    100 * crossing.us_share_at_crossover
                )
            else 'China led in no month of the window with enough models on both sides.'
        end as evidence
    from readings
    cross join complete_month
    left join month_sides as sides on readings.reading_id = sides.reading_id
    left join crossovers as crossing on true
),

-- Cumulative downloads by a date. Counters only grow: a model's last lifetime counter on or
-- before the date bounds its count then from below, its first one on or after it from above. A
-- country's count lies between its models' lower counters and the upper counters of its models
-- plus every model whose organisation carries no country (it could be the country's), among the
-- organisations the snapshots list (the claim's population: the tracked organisations, the whole
-- Hub with hub-stats). Snapshots that end before the date do not bound the count from above.
targets as (
    {{ counter_claim_targets() }}
),

counter_span as (
    select
        min(download_date) as first_day,
        max(download_date) as last_day
    from daily
    where downloads_all_time is not null
),

-- A model first seen after the date had 0 or more then; one not seen after it (gone) its last.
counters as (
    select
        claim_id,
        model_id,
        counter_before is not null as is_seen_before,
        coalesce(counter_before, 0) as counter_low,
        coalesce(counter_after, counter_before) as counter_high
    from {{ ref('int_claims__hub_download_counters') }}
),

counter_sides as (
    select
        counters.claim_id,
        attributed.reading_id,
        sum(counters.counter_low) filter (where attributed.country = 'CN') as cn_low,
        sum(counters.counter_high) filter (where attributed.country = 'CN') as cn_high,
        sum(counters.counter_low) filter (where attributed.country = 'US') as us_low,
        sum(counters.counter_high) filter (where attributed.country = 'US') as us_high,
        coalesce(sum(counters.counter_high) filter (where attributed.country = 'unattributed'), 0)
            as unattributed_high,
        count(*) filter (where attributed.country = 'CN' and counters.is_seen_before) as cn_models,
        count(*) filter (where attributed.country = 'US' and counters.is_seen_before) as us_models,
        count(*) filter (where attributed.country = 'unattributed') as unattributed_models,
        count(distinct case when attributed.country = 'unattributed' then models.hub_org end)
            as unattributed_orgs,
        count(*) filter (where counters.is_seen_before) as models
    from counters
    inner join attributed on counters.model_id = attributed.model_id
    inner join models on counters.model_id = models.model_id
    group by counters.claim_id, attributed.reading_id
),

cumulative_bounds as (
    select
        targets.claim_id,
        targets.target_date,
        readings.reading_id,
        readings.reading,
        span.first_day,
        span.last_day,
        sides.cn_low,
        sides.cn_high,
        sides.us_low,
        sides.us_high,
        sides.unattributed_high,
        coalesce(sides.cn_models, 0) as cn_models,
        coalesce(sides.us_models, 0) as us_models,
        coalesce(sides.unattributed_models, 0) as unattributed_models,
        coalesce(sides.unattributed_orgs, 0) as unattributed_orgs,
        -- Nothing observed by the date (the snapshots start after it): no measure.
        coalesce(sides.models, 0) > 0 as is_seen,
        span.last_day >= targets.target_date as reaches_date
    from targets
    cross join readings
    cross join counter_span as span
    left join counter_sides as sides
        on targets.claim_id = sides.claim_id and readings.reading_id = sides.reading_id
),

cumulative as (
    select
        claim_id,
        reading_id,
        reading,
        case
            when not is_seen then null
            when claim_id = 'cn_540m_downloads_oct_2025' then cast(coalesce(cn_low, 0) as double)
            -- A ratio moves either way after the data ends: measured on the date only.
            when reaches_date then cast(cn_low as double) / nullif(cast(us_low as double), 0)
        end as measured_number,
        cast(null as boolean) as ordering_holds,
        case
            when not is_seen then null
            when claim_id = 'cn_540m_downloads_oct_2025' then cast(coalesce(cn_low, 0) as double)
            when reaches_date
                then
                    cast(cn_low as double)
                    / nullif(cast(coalesce(us_high, 0) + unattributed_high as double), 0)
        end as bound_low,
        case
            when not is_seen then null
            when not reaches_date then cast('Infinity' as double)
            when claim_id = 'cn_540m_downloads_oct_2025'
                then cast(coalesce(cn_high, 0) + unattributed_high as double)
            else
                cast(coalesce(cn_high, 0) + unattributed_high as double)
                / nullif(cast(us_low as double), 0)
        end as bound_high,
        case
            when not is_seen
                then printf(
                    'no lifetime counter observed on or before %s',
                    cast(target_date as {{ dbt.type_string() }})
                )
            else printf(
                'CN %,d vs US %,d all-time downloads on the last day observed by %s',
                coalesce(cn_low, 0),
                coalesce(us_low, 0),
                cast(target_date as {{ dbt.type_string() }})
            )
        end as measured_value,
        first_day as window_start,
        last_day as window_end,
        case
            when not is_seen
                then printf(
                    'no model observed by %s (the snapshots start on %s)',
                    cast(target_date as {{ dbt.type_string() }}),
                    coalesce(cast(first_day as {{ dbt.type_string() }}), 'no day')
                )
            else printf(
                'the organisations the snapshots list: %d Chinese and %d US models counted by '
                || '%s; %d models of %d organisations carry no country',
                cn_models,
                us_models,
                cast(target_date as {{ dbt.type_string() }}),
                unattributed_models,
                unattributed_orgs
            )
            || case
                when reaches_date
                    then printf(
                        ' (%,d downloads on the first day observed from %s)',
                        unattributed_high,
                        cast(target_date as {{ dbt.type_string() }})
                    )
                else ''
            end
        end as coverage,
        case
            when not is_seen
                then printf(
                    'The snapshots start on %s, after %s: the counters on that day were not observed.',
                    coalesce(cast(first_day as {{ dbt.type_string() }}), 'no day'),
                    cast(target_date as {{ dbt.type_string() }})
                )
            when not reaches_date and claim_id = 'cn_540m_downloads_oct_2025'
                then printf(
                    'The snapshots end on %s, before %s: the counters then are a lower bound '
                    || '(%,d), with nothing above it.',
                    cast(last_day as {{ dbt.type_string() }}),
                    cast(target_date as {{ dbt.type_string() }}),
                    coalesce(cn_low, 0)
                )
            when not reaches_date
                then printf(
                    'The snapshots end on %s, before %s: the counters then are not observed.',
                    cast(last_day as {{ dbt.type_string() }}),
                    cast(target_date as {{ dbt.type_string() }})
                )
            when claim_id = 'cn_540m_downloads_oct_2025'
                then printf(
                    'Between %,d (the Chinese models) and %,d (with every model whose '
                    || 'organisation has no country), counters on the first day observed from %s '
                    || 'for the upper bound.',
                    coalesce(cn_low, 0),
                    coalesce(cn_high, 0) + unattributed_high,
                    cast(target_date as {{ dbt.type_string() }})
                )
            else coalesce(
                printf(
                    'Between %.2f (every model without a country counted as US) and %.2f '
                    || '(counted as Chinese).',
                    cast(cn_low as double)
                    / nullif(cast(coalesce(us_high, 0) + unattributed_high as double), 0),
                    cast(coalesce(cn_high, 0) + unattributed_high as double)
                    / nullif(cast(us_low as double), 0)
                ),
                'No US model counted by the date: no ratio.'
            )
        end as evidence
    from cumulative_bounds
),

-- "China 17.1% vs US 15.8% of downloads, 12 months to August 2025": the ordering, on at
-- least half the window's days.
year_sides as (
    select
        attributed.reading_id,
        count(distinct daily.download_date) as days,
        min(daily.download_date) as first_day,
        max(daily.download_date) as last_day,
        sum(daily.downloads) filter (where attributed.country = 'CN') as cn,
        sum(daily.downloads) filter (where attributed.country = 'US') as us,
        sum(daily.downloads) as all_
    from daily
    inner join attributed on daily.model_id = attributed.model_id
    where
        daily.download_date between date '2024-09-01' and date '2025-08-31'
        and daily.downloads is not null
    group by attributed.reading_id
),

year_shares as (
    select
        'cn_17_us_16_downloads_12m_aug_2025' as claim_id,
        readings.reading_id,
        readings.reading,
        cast(sides.cn as double) / nullif(cast(sides.all_ as double), 0) as measured_number,
        case when sides.days >= 365 / 2 then coalesce(sides.cn, 0) > coalesce(sides.us, 0) end
            as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        case
            when sides.days is null then 'no downloads measured in 2024-09 .. 2025-08'
            else printf(
                'CN %.1f%% vs US %.1f%% of downloads over %d days',
                100 * cast(coalesce(sides.cn, 0) as double) / nullif(cast(sides.all_ as double), 0),
                100 * cast(coalesce(sides.us, 0) as double) / nullif(cast(sides.all_ as double), 0),
                sides.days
            )
        end as measured_value,
        sides.first_day as window_start,
        sides.last_day as window_end,
        printf('%d of the window''s 365 days', coalesce(sides.days, 0)) as coverage,
        case
            when coalesce(sides.days, 0) < 365 / 2
                then 'Fewer than half of the claimed window''s days are in the snapshots.'
            else 'Only the ordering is compared.'
        end as evidence
    from readings
    left join year_sides as sides on readings.reading_id = sides.reading_id
),

final as (
    select * from passed
    union all
    select * from cumulative
    union all
    select * from year_shares
)

select
    final.*,
    final.reading_id = 'as_defined' as is_definition
from final
inner join claims on final.claim_id = claims.claim_id
