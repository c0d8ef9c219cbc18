-- depends_on: {{ ref('model_family_rules') }}
-- The claims measured on the Hub: downloads (cumulative, a year's shares) and derivatives by
-- base-model family (who leads the latest complete month is measured with its readings, in
-- `int_claims__hub_download_readings`). One row per claim, with the window the measure rests on as
-- dates; `int_claims__evidence` decides whether the window can test the claim.
with

claims as (
    select * from {{ ref('claims') }}
),

downloads as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
),

models as (
    select * from {{ ref('int_hub__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

-- "540 million cumulative downloads of Chinese open models by October 2025": the all-time
-- counters of the tracked Chinese models on the last observed day by 2025-10-31.
cn_counters as (
    select
        downloads.model_id,
        downloads.download_date,
        downloads.downloads_all_time
    from downloads
    inner join models on downloads.model_id = models.model_id
    where models.country = 'CN' and downloads.downloads_all_time is not null
),

counter_window as (
    select
        min(download_date) as first_day,
        max(download_date) as last_day
    from cn_counters
),

cn_by_target as (
    select
        count(*) as models,
        sum(by_model.downloads_all_time) as downloads_all_time
    from (
        select {{ arg_max('cn_counters.downloads_all_time', 'cn_counters.download_date') }} as downloads_all_time
        from cn_counters
        where cn_counters.download_date <= date '2025-10-31'
        group by cn_counters.model_id
    ) as by_model
),

cn_first_day as (
    select
        count(*) as models,
        sum(cn_counters.downloads_all_time) as downloads_all_time
    from cn_counters
    inner join counter_window on cn_counters.download_date = counter_window.first_day
),

cumulative_claim as (
    select * from claims
    where claim_id = 'cn_540m_downloads_oct_2025'
),

cumulative_downloads as (
    select
        'cn_540m_downloads_oct_2025' as claim_id,
        cast(
            case
                when window_.first_day <= date '2025-10-31' then by_target.downloads_all_time
            end as double
        ) as measured_number,
        case
            when window_.first_day is null then 'no Chinese model observed'
            when window_.first_day <= date '2025-10-31'
                then printf(
                    '%,d all-time downloads on 2025-10-31', by_target.downloads_all_time
                )
            else printf(
                'at most %,d all-time downloads on %s, an upper bound for 2025-10-31',
                first_day.downloads_all_time,
                cast(window_.first_day as {{ dbt.type_string() }})
            )
        end as measured_value,
        window_.first_day as window_start,
        window_.last_day as window_end,
        printf(
            'the tracked Chinese organisations only: %d models',
            case
                when window_.first_day <= date '2025-10-31' then by_target.models
                else first_day.models
            end
        ) as coverage,
        case
            when window_.first_day is null or window_.first_day > date '2025-10-31'
                then 'not_measurable'
            when abs(by_target.downloads_all_time - claim.published_number) <= claim.tolerance
                then 'consistent'
            when by_target.downloads_all_time > claim.published_number + claim.tolerance
                then 'not_consistent'
            else 'not_measurable'
        end as verdict,
        case
            when window_.first_day is null then 'No all-time counter of a Chinese model.'
            when window_.first_day > date '2025-10-31'
                then
                    'The snapshots start after 2025-10-31, so the counters on that day were '
                    || 'not observed; the first ones bound them from above for the tracked models '
                    || 'only, and models outside the tracked organisations are not counted, so '
                    || 'they can neither confirm nor refute the figure.'
            when by_target.downloads_all_time > claim.published_number + claim.tolerance
                then 'The tracked Chinese models alone already exceed the figure.'
            when by_target.downloads_all_time < claim.published_number - claim.tolerance
                then
                    'Below the figure, but models outside the tracked organisations are not '
                    || 'counted: the gap may be theirs.'
            else 'Within the tolerance of the figure.'
        end as evidence
    from counter_window as window_
    cross join cn_by_target as by_target
    cross join cn_first_day as first_day
    cross join cumulative_claim as claim
),

-- "China 17.1% vs US 15.8% of open-model downloads, 12 months to August 2025".
claimed_year as (
    select
        min(downloads.download_date) as first_day,
        max(downloads.download_date) as last_day,
        count(distinct downloads.download_date) as days,
        sum(downloads.downloads) filter (where models.country = 'CN') as cn_downloads,
        sum(downloads.downloads) filter (where models.country = 'US') as us_downloads,
        sum(downloads.downloads) as all_downloads,
        count(distinct downloads.model_id) as model_count
    from downloads
    inner join models on downloads.model_id = models.model_id
    where
        downloads.download_date between date '2024-09-01' and date '2025-08-31'
        and downloads.downloads is not null
),

download_shares_year as (
    select
        'cn_17_us_16_downloads_12m_aug_2025' as claim_id,
        cast(cn_downloads as double) / nullif(cast(all_downloads as double), 0)
            as measured_number,
        case
            when days = 0 then 'no downloads measured in 2024-09 .. 2025-08'
            else printf(
                'CN %.1f%% vs US %.1f%% of downloads over %d days',
                100 * cast(cn_downloads as double) / nullif(cast(all_downloads as double), 0),
                100 * cast(us_downloads as double) / nullif(cast(all_downloads as double), 0),
                days
            )
        end as measured_value,
        first_day as window_start,
        last_day as window_end,
        printf(
            '%d of the window''s 365 days; the tracked organisations only (%d models), not '
            || 'every open model',
            days,
            model_count
        ) as coverage,
        case
            when days < 365 / 2 then 'not_measurable'
            when cn_downloads > us_downloads then 'consistent'
            else 'not_consistent'
        end as verdict,
        case
            when days < 365 / 2
                then 'Fewer than half of the claimed window''s days are in the snapshots.'
            else
                'The levels are shares of the tracked organisations'' downloads, not of '
                || 'every open model''s: only the ordering is compared.'
        end as evidence
    from claimed_year
),

-- "Qwen is the base model with the most derivatives on the Hub": derivatives by the family of
-- the base model their chain of parents leads to, in the catalog export. A root outside the
-- catalog takes its family from its name, as `dim_models` does; `other` (no named family) is a
-- mixture, not a base model, and is only reported.
catalog_date as (
    select max(snapshot_date) as snapshot_date from {{ ref('stg_hub__model_catalog') }}
),

family_derivatives as (
    select
        coalesce(
            roots.family, {{ model_family("split_part(lineage.root_model_id, '/', 2)") }}
        ) as family,
        count(*) as derivatives
    from lineage
    left join models as roots on lineage.root_model_id = roots.model_id
    group by all
),

family_ranked as (
    select
        *,
        row_number() over (order by derivatives desc, family asc) as position,
        sum(derivatives) over () as named_derivatives
    from family_derivatives
    where family != 'other'
),

unnamed as (
    select coalesce(sum(derivatives), 0) as derivatives
    from family_derivatives
    where family = 'other'
),

root_leader as (
    select
        root_model_id,
        count(*) as derivatives
    from lineage
    group by root_model_id
    order by derivatives desc, root_model_id asc
    limit 1
),

qwen_derivatives as (
    select
        'qwen_most_derivatives' as claim_id,
        cast(first_.derivatives as double) as measured_number,
        case
            when first_.family is null then 'no derivatives in the catalog'
            else printf(
                '%s first with %,d derivatives (%s next with %,d)',
                first_.family,
                first_.derivatives,
                coalesce(second_.family, 'none'),
                coalesce(second_.derivatives, 0)
            )
        end as measured_value,
        catalog_date.snapshot_date as window_start,
        catalog_date.snapshot_date as window_end,
        printf(
            'the catalog export of %s: %,d derivatives by the family of their root model, and '
            || '%,d more whose root has no named family',
            cast(catalog_date.snapshot_date as {{ dbt.type_string() }}),
            coalesce(first_.named_derivatives, 0),
            unnamed.derivatives
        ) as coverage,
        -- The derivatives whose root has no named family could belong to any family: the
        -- order is decided only where the lead is larger than they are.
        case
            when first_.family is null then 'not_measurable'
            when
                first_.family = 'Qwen'
                and first_.derivatives - coalesce(second_.derivatives, 0) > unnamed.derivatives
                then 'consistent'
            when
                first_.family != 'Qwen'
                and first_.derivatives - coalesce(qwen.derivatives, 0) > unnamed.derivatives
                then 'not_consistent'
            else 'not_measurable'
        end as verdict,
        case
            when first_.family is null then 'The catalog export holds no derivative.'
            when
                first_.derivatives
                - coalesce(
                    case
                        when first_.family = 'Qwen' then second_.derivatives
                        else qwen.derivatives
                    end,
                    0
                )
                <= unnamed.derivatives
                then printf(
                    'The lead is smaller than the %,d derivatives whose root has no named family '
                    || '(a base model outside the catalog): they could reverse the order. ',
                    unnamed.derivatives
                )
            else ''
        end
        || coalesce(
            printf(
                'The single base model with the most derivatives is %s (%,d).',
                root_leader.root_model_id,
                root_leader.derivatives
            ),
            ''
        ) as evidence
    from catalog_date
    cross join unnamed
    left join family_ranked as first_ on first_.position = 1
    left join family_ranked as second_ on second_.position = 2
    left join family_ranked as qwen on qwen.family = 'Qwen'
    left join root_leader on true
),

final as (
    select * from cumulative_downloads
    {{ union_all_by_name() }}
    select * from download_shares_year
    {{ union_all_by_name() }}
    select * from qwen_derivatives
)

select * from final
