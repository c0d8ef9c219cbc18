-- depends_on: {{ ref('model_family_rules') }}
-- The claims measured on the catalog export (derivatives by base model, releases by licence)
-- under their own definition and the nearest alternatives, one rule changed at a time. For
-- derivatives: repackagers (GGUF, MLX, quantisations) left out, or each derivative credited to
-- its direct parent instead of the root model its chain of parents leads to. For releases: the
-- daily snapshots' models (the tracked organisations) instead of the catalog's, or derivatives
-- counted as releases too. One row per claim x reading; `int_claims__readings` judges them.
with

models as (
    select * from {{ ref('int_hub__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

registry as (
    select * from {{ ref('developer_registry') }}
),

catalog_date as (
    select max(snapshot_date) as snapshot_date from {{ ref('stg_hub__model_catalog') }}
),

-- A claim about the whole Hub is tested only on a catalog export of the whole Hub (hub-stats
-- holds about 2 million models); a smaller one (a sample, the demo's) gives its figure, not a
-- verdict. A share rests on at least `min_share_sample` models.
catalog_size as (
    select count(distinct catalog.model_id) as models
    from {{ ref('stg_hub__model_catalog') }} as catalog
    inner join catalog_date on catalog.snapshot_date = catalog_date.snapshot_date
),

derivative_readings as (
    select
        reading.reading_id,
        reading.reading,
        reading.with_repackagers,
        reading.credit
    from (
        values
        ('as_defined', 'as defined: credit to the root model, repackagers included', true, 'root_model'),
        ('without_repackagers', 'repackagers (GGUF, MLX, quantisations) left out', false, 'root_model'),
        ('parent_credit', 'credit to the direct parent instead of the root model', true, 'parent')
    ) as reading (reading_id, reading, with_repackagers, credit)
),

-- Each derivative with the model it is credited to under each reading, and that model's
-- family and developer (from its name and org where it is not in the catalog).
credited as (
    select
        derivative_readings.reading_id,
        lineage.model_id,
        lineage.created_date,
        case
            when derivative_readings.credit = 'root_model' then lineage.root_model_id
            else coalesce(lineage.parent_model_id, lineage.root_model_id)
        end as credited_model_id
    from lineage
    cross join derivative_readings
    where derivative_readings.with_repackagers or not coalesce(lineage.is_repackaging, false)
),

credited_named as (
    select
        credited.*,
        coalesce(
            bases.family, {{ model_family("split_part(credited.credited_model_id, '/', 2)") }}
        ) as family,
        coalesce(bases.developer_id, registry.developer_id, 'unattributed') as developer_id
    from credited
    left join models as bases on credited.credited_model_id = bases.model_id
    left join registry on split_part(credited.credited_model_id, '/', 1) = registry.hub_org
),

by_reading as (
    select
        reading_id,
        count(*) as derivatives,
        count(*) filter (where family = 'Qwen') as qwen,
        count(*) filter (where developer_id = 'alibaba') as alibaba,
        count(*) filter (where developer_id = 'meta') as meta,
        count(*) filter (where developer_id = 'google') as google,
        count(*) filter (where created_date between date '2026-02-01' and date '2026-02-28')
            as february,
        count(*) filter (
            where created_date between date '2026-02-01' and date '2026-02-28' and family = 'Qwen'
        ) as february_qwen
    from credited_named
    group by reading_id
),

-- The leading named family and the runner-up, per reading (`other` is no base model).
families as (
    select
        reading_id,
        family,
        count(*) as derivatives,
        row_number() over (partition by reading_id order by count(*) desc, family asc) as position
    from credited_named
    where family != 'other'
    group by reading_id, family
),

derivative_claims as (
    select claim.claim_id
    from (
        values
        ('qwen_most_derivatives'),
        ('hf_qwen_151448_derivatives'),
        ('hf_qwen_2_6x_meta_derivatives'),
        ('hf_google_82506_derivatives'),
        ('atom_qwen_69pct_new_derivatives_feb_2026')
    ) as claim (claim_id)
),

derivatives as (
    select
        derivative_claims.claim_id,
        readings.reading_id,
        readings.reading,
        case derivative_claims.claim_id
            when 'qwen_most_derivatives' then cast(counts.qwen as double)
            when 'hf_qwen_151448_derivatives' then cast(counts.qwen as double)
            when 'hf_qwen_2_6x_meta_derivatives'
                then cast(counts.alibaba as double) / nullif(cast(counts.meta as double), 0)
            when 'hf_google_82506_derivatives' then cast(counts.google as double)
            -- February is complete only in a catalog exported after it.
            when 'atom_qwen_69pct_new_derivatives_feb_2026'
                then case
                    when catalog_date.snapshot_date > date '2026-02-28'
                        then
                            cast(counts.february_qwen as double)
                            / nullif(cast(counts.february as double), 0)
                end
        end as measured_number,
        case
            when derivative_claims.claim_id = 'qwen_most_derivatives'
                then coalesce(leader.family = 'Qwen', false)
        end as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        case derivative_claims.claim_id
            when 'qwen_most_derivatives'
                then printf(
                    '%s first with %,d derivatives (%s next with %,d)',
                    coalesce(leader.family, 'none'),
                    coalesce(leader.derivatives, 0),
                    coalesce(runner_up.family, 'none'),
                    coalesce(runner_up.derivatives, 0)
                )
            when 'hf_qwen_151448_derivatives'
                then printf('%,d derivatives of Qwen-family models', coalesce(counts.qwen, 0))
            when 'hf_qwen_2_6x_meta_derivatives'
                then printf(
                    '%,d derivatives of Alibaba''s (Qwen) models vs %,d of Meta''s',
                    coalesce(counts.alibaba, 0),
                    coalesce(counts.meta, 0)
                )
            when 'hf_google_82506_derivatives'
                then printf('%,d derivatives of Google''s models', coalesce(counts.google, 0))
            else printf(
                '%,d of %,d derivatives created in 2026-02 are of Qwen-family models',
                coalesce(counts.february_qwen, 0),
                coalesce(counts.february, 0)
            )
        end as measured_value,
        case
            when derivative_claims.claim_id = 'atom_qwen_69pct_new_derivatives_feb_2026'
                then date '2026-02-01'
            else catalog_date.snapshot_date
        end as window_start,
        case
            when derivative_claims.claim_id = 'atom_qwen_69pct_new_derivatives_feb_2026'
                then least(date '2026-02-28', catalog_date.snapshot_date)
            else catalog_date.snapshot_date
        end as window_end,
        printf(
            'the catalog export of %s: %,d derivatives with a known parent',
            coalesce(cast(catalog_date.snapshot_date as {{ dbt.type_string() }}), 'no day'),
            coalesce(counts.derivatives, 0)
        ) as coverage,
        -- The older ordering claim keeps reading the catalog as its sample (`qwen_most_derivatives`).
        derivative_claims.claim_id = 'qwen_most_derivatives'
        or (
            catalog_size.models >= {{ var('whole_hub_min_models') }}
            and (
                derivative_claims.claim_id != 'atom_qwen_69pct_new_derivatives_feb_2026'
                or counts.february >= {{ var('min_share_sample') }}
            )
        ) as is_sample_enough,
        case
            when catalog_date.snapshot_date is null then 'No catalog export is stored.'
            when
                derivative_claims.claim_id = 'atom_qwen_69pct_new_derivatives_feb_2026'
                and catalog_date.snapshot_date <= date '2026-02-28'
                then 'The catalog was exported before February 2026 ended: the month is incomplete.'
            when
                derivative_claims.claim_id != 'qwen_most_derivatives'
                and catalog_size.models < {{ var('whole_hub_min_models') }}
                then printf(
                    'The catalog export holds %,d models, not the whole Hub (about 2 million): its '
                    || 'figure cannot test a claim about the whole Hub.',
                    catalog_size.models
                )
            when
                derivative_claims.claim_id = 'atom_qwen_69pct_new_derivatives_feb_2026'
                and coalesce(counts.february, 0) < {{ var('min_share_sample') }}
                then printf(
                    'Only %d derivatives were created in the month: too few for a share.',
                    coalesce(counts.february, 0)
                )
            else
                'Derivatives are the catalog''s models with a base model; a base outside the '
                || 'catalog takes its family from its name and its developer from its org.'
        end as evidence
    from derivative_claims
    cross join derivative_readings as readings
    cross join catalog_date
    cross join catalog_size
    left join by_reading as counts on readings.reading_id = counts.reading_id
    left join families as leader on readings.reading_id = leader.reading_id and leader.position = 1
    left join families as runner_up
        on readings.reading_id = runner_up.reading_id and runner_up.position = 2
),

-- "Of 178 Chinese releases above 20B parameters in 2026, 59% Apache-2.0 and 22% MIT".
release_readings as (
    select
        reading.reading_id,
        reading.reading,
        reading.population,
        reading.with_derivatives
    from (
        values
        ('as_defined', 'as defined: the catalog''s models, no derivative', 'catalog', false),
        ('tracked_population', 'the daily snapshots'' models (tracked organisations) instead', 'tracked', false),
        ('with_derivatives', 'derivatives (not repackagings) counted as releases too', 'catalog', true)
    ) as reading (reading_id, reading, population, with_derivatives)
),

releases as (
    select
        release_readings.reading_id,
        count(*) as releases,
        count(*) filter (where models.license = 'apache-2.0') as apache,
        count(*) filter (where models.license = 'mit') as mit,
        max(models.created_date) as last_created
    from models
    cross join release_readings
    where
        models.country = 'CN'
        and models.created_date between date '2026-01-01' and date '2026-06-30'
        and models.parameter_count > 20000000000
        and (
            (release_readings.population = 'catalog' and models.is_in_catalog)
            or (release_readings.population = 'tracked' and models.is_tracked)
        )
        and (
            models.parent_model_id is null
            or (release_readings.with_derivatives and not models.is_repackaging)
        )
    group by release_readings.reading_id
),

licences as (
    select
        licence.claim_id,
        licence.license
    from (
        values
        ('hf_cn_20b_releases_2026_apache', 'apache-2.0'),
        ('hf_cn_20b_releases_2026_mit', 'mit')
    ) as licence (claim_id, license)
),

release_shares as (
    select
        licences.claim_id,
        readings.reading_id,
        readings.reading,
        cast(case when licences.license = 'mit' then counts.mit else counts.apache end as double)
        / nullif(cast(counts.releases as double), 0) as measured_number,
        cast(null as boolean) as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        printf(
            '%,d of %,d Chinese releases above 20B parameters created in 2026 are %s',
            coalesce(case when licences.license = 'mit' then counts.mit else counts.apache end, 0),
            coalesce(counts.releases, 0),
            licences.license
        ) as measured_value,
        date '2026-01-01' as window_start,
        least(date '2026-06-30', catalog_date.snapshot_date) as window_end,
        printf(
            'models created from 2026-01-01 to %s (the catalog export); parameters are the '
            || 'safetensors total, which counts every dtype',
            coalesce(cast(least(date '2026-06-30', catalog_date.snapshot_date) as {{ dbt.type_string() }}), 'no day')
        ) as coverage,
        coalesce(
            (readings.population = 'tracked' or catalog_size.models >= {{ var('whole_hub_min_models') }})
            and counts.releases >= {{ var('min_share_sample') }},
            false
        ) as is_sample_enough,
        case
            when
                readings.population = 'catalog'
                and catalog_size.models < {{ var('whole_hub_min_models') }}
                then printf(
                    'The catalog export holds %,d models, not the whole Hub (about 2 million): its '
                    || 'figure cannot test a claim about the whole Hub.',
                    catalog_size.models
                )
            when coalesce(counts.releases, 0) < {{ var('min_share_sample') }}
                then printf(
                    'Only %d releases in the sample: too few for a share.',
                    coalesce(counts.releases, 0)
                )
            else 'A release is a model with no base model; the licence is its `license:` tag.'
        end as evidence
    from licences
    cross join release_readings as readings
    cross join catalog_date
    cross join catalog_size
    left join releases as counts on readings.reading_id = counts.reading_id
),

final as (
    select * from derivatives
    union all
    select * from release_shares
)

select
    *,
    reading_id = 'as_defined' as is_definition
from final
