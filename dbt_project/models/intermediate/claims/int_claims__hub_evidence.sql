-- depends_on: {{ ref('model_family_rules') }}
-- The claims measured on the Hub: a year's download shares and derivatives by base-model family
-- (who leads the latest complete month and the cumulative downloads by a date are measured with
-- their readings, in `int_claims__hub_download_readings`). One row per claim, with the window
-- the measure rests on as dates; `int_claims__evidence` decides whether it can test the claim.
with

downloads as (
    select * from {{ ref('int_hub__model_downloads_daily') }}
),

models as (
    select * from {{ ref('int_hub__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
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
    select * from download_shares_year
    {{ union_all_by_name() }}
    select * from qwen_derivatives
)

select * from final
