-- The usage claims on OpenRouter's rankings under their own definition and the nearest
-- alternatives the data supports, one rule changed at a time: `:free` variants left out or
-- merged into their model, the tokens credited to the developer of the root model of the
-- model's Hub repository (its `hugging_face_id`) instead of its own developer, and the `other`
-- row (every model outside the day's top 50) left out of the total or counted against the
-- claim. A week counts only when all seven of its days are ranked. One row per claim x
-- reading; `int_claims__readings` judges them.
with

usage as (
    select * from {{ ref('int_openrouter__usage') }}
),

openrouter_models as (
    select * from {{ ref('int_openrouter__models') }}
),

lineage as (
    select * from {{ ref('int_hub__model_lineage') }}
),

-- claim, reading, with `:free`, credit, the `other` row (in_total, left_out, against), variants
-- merged into their model.
readings as (
    select
        reading.claim_id,
        reading.reading_id,
        reading.reading,
        reading.with_free,
        reading.credit,
        reading.other_rule,
        reading.merge_variants
    from (
        values
        ('openrouter_top20_seven_chinese', 'as_defined', 'as defined: variants rank as their own entries', true, 'developer', 'left_out', false),
        ('openrouter_top20_seven_chinese', 'variants_merged', 'variants (:free, ...) merged into their model before ranking', true, 'developer', 'left_out', true),
        ('openrouter_top20_seven_chinese', 'root_model_credit', 'credit to the developer of the root model', true, 'root_model', 'left_out', false),
        ('cn_open_half_of_open_usage', 'as_defined', 'as defined: :free variants counted with their model', true, 'developer', 'left_out', false),
        ('cn_open_half_of_open_usage', 'without_free', ':free variants left out', false, 'developer', 'left_out', false),
        ('cn_open_half_of_open_usage', 'root_model_credit', 'credit to the developer of the root model', true, 'root_model', 'left_out', false),
        ('cn_open_13pct_of_all_usage', 'as_defined', 'as defined: :free variants counted, the other row in the total', true, 'developer', 'in_total', false),
        ('cn_open_13pct_of_all_usage', 'without_free', ':free variants left out', false, 'developer', 'in_total', false),
        ('cn_open_13pct_of_all_usage', 'root_model_credit', 'credit to the developer of the root model', true, 'root_model', 'in_total', false),
        ('cn_open_13pct_of_all_usage', 'other_left_out', 'the other row left out of the total (a share of the top 50)', true, 'developer', 'left_out', false),
        ('openrouter_week_2026_02_09_cn_ahead', 'as_defined', 'as defined: :free variants counted, the other row left out', true, 'developer', 'left_out', false),
        ('openrouter_week_2026_02_09_cn_ahead', 'without_free', ':free variants left out', false, 'developer', 'left_out', false),
        ('openrouter_week_2026_02_09_cn_ahead', 'root_model_credit', 'credit to the developer of the root model', true, 'root_model', 'left_out', false),
        ('openrouter_week_2026_02_09_cn_ahead', 'other_against', 'the other row counted as US tokens (against the claim)', true, 'developer', 'against', false),
        ('openrouter_week_2026_03_30_top6_chinese', 'as_defined', 'as defined: variants rank as their own entries', true, 'developer', 'left_out', false),
        ('openrouter_week_2026_03_30_top6_chinese', 'variants_merged', 'variants (:free, ...) merged into their model before ranking', true, 'developer', 'left_out', true),
        ('openrouter_week_2026_03_30_top6_chinese', 'root_model_credit', 'credit to the developer of the root model', true, 'root_model', 'left_out', false)
    ) as reading (claim_id, reading_id, reading, with_free, credit, other_rule, merge_variants)
),

-- The country of the root model of each OpenRouter model's Hub repository (its newest listing).
root_countries as (
    select
        listed.model_id,
        lineage.root_country
    from (
        select
            model_id,
            {{ arg_max('hugging_face_id', 'snapshot_date') }} as hugging_face_id
        from openrouter_models
        group by model_id
    ) as listed
    inner join lineage on listed.hugging_face_id = lineage.model_id
),

entries as (
    select
        readings.claim_id,
        readings.reading_id,
        usage.usage_date,
        usage.is_other,
        usage.is_open_weights,
        usage.as_of,
        case
            when readings.merge_variants and not usage.is_other
                then coalesce(usage.model_id, split_part(usage.model_permaslug, ':', 1))
            else usage.model_permaslug
        end as entry,
        case
            when usage.is_other and readings.other_rule = 'against' then 'US'
            when usage.is_other then 'outside_top_50'
            when readings.credit = 'root_model' then coalesce(root_countries.root_country, usage.country)
            else usage.country
        end as country,
        usage.tokens
    from usage
    inner join readings
        on
            (readings.with_free or coalesce(usage.variant, '') != 'free')
            and (readings.other_rule != 'left_out' or not usage.is_other)
    left join root_countries on usage.model_id = root_countries.model_id
),

-- The share claims, over every ranked day.
totals as (
    select
        claim_id,
        reading_id,
        min(usage_date) as first_day,
        max(usage_date) as last_day,
        count(distinct usage_date) as days,
        sum(tokens) filter (where country = 'CN' and is_open_weights) as cn_open,
        sum(tokens) filter (where is_open_weights) as open_,
        sum(tokens) filter (where is_open_weights is null) as unknown,
        sum(tokens) as all_,
        max(as_of) as as_of
    from entries
    where claim_id in ('cn_open_half_of_open_usage', 'cn_open_13pct_of_all_usage')
    group by claim_id, reading_id
),

shares as (
    select
        claim_id,
        reading_id,
        case claim_id
            when 'cn_open_half_of_open_usage'
                then cast(cn_open as double) / nullif(cast(open_ as double), 0)
            else cast(cn_open as double) / nullif(cast(all_ as double), 0)
        end as measured_number,
        cast(null as boolean) as ordering_holds,
        case
            when claim_id = 'cn_open_13pct_of_all_usage'
                then cast(cn_open as double) / nullif(cast(all_ as double), 0)
        end as bound_low,
        -- Of all tokens: unlisted slugs (and the other row) could all be Chinese and open.
        case
            when claim_id = 'cn_open_13pct_of_all_usage'
                then
                    cast(coalesce(cn_open, 0) + coalesce(unknown, 0) as double)
                    / nullif(cast(all_ as double), 0)
        end as bound_high,
        printf(
            '%.1f%% of the tokens of %s over %d days',
            100 * case claim_id
                when 'cn_open_half_of_open_usage'
                    then cast(cn_open as double) / nullif(cast(open_ as double), 0)
                else cast(cn_open as double) / nullif(cast(all_ as double), 0)
            end,
            case when claim_id = 'cn_open_half_of_open_usage' then 'open-weight models' else 'the total' end,
            days
        ) as measured_value,
        first_day as window_start,
        last_day as window_end,
        as_of
    from totals
),

-- The top-N claims: Chinese entries among the day's top 20 (median day), the week's top 6.
day_ranks as (
    select
        claim_id,
        reading_id,
        usage_date,
        country,
        max(as_of) as as_of,
        row_number() over (
            partition by claim_id, reading_id, usage_date order by sum(tokens) desc, entry asc
        ) as position
    from entries
    where claim_id = 'openrouter_top20_seven_chinese' and not is_other
    group by claim_id, reading_id, usage_date, entry, country
),

top20_days as (
    select
        claim_id,
        reading_id,
        usage_date,
        count(*) filter (where country = 'CN') as chinese,
        max(as_of) as as_of
    from day_ranks
    where position <= 20
    group by claim_id, reading_id, usage_date
),

top20 as (
    select
        claim_id,
        reading_id,
        cast(median(chinese) as double) as measured_number,
        cast(null as boolean) as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        printf(
            'median %s of the top 20 per day are Chinese (from %d to %d) over %d days',
            cast(median(chinese) as {{ dbt.type_string() }}),
            min(chinese),
            max(chinese),
            count(*)
        ) as measured_value,
        min(usage_date) as window_start,
        max(usage_date) as window_end,
        max(as_of) as as_of
    from top20_days
    group by claim_id, reading_id
),

weeks as (
    select
        week.claim_id,
        week.week_start
    from (
        values
        ('openrouter_week_2026_02_09_cn_ahead', date '2026-02-09'),
        ('openrouter_week_2026_03_30_top6_chinese', date '2026-03-30')
    ) as week (claim_id, week_start)
),

week_entries as (
    select entries.*
    from entries
    inner join weeks
        on
            entries.claim_id = weeks.claim_id
            and entries.usage_date between weeks.week_start and weeks.week_start + interval 6 day
),

week_days as (
    select
        claim_id,
        reading_id,
        count(distinct usage_date) as days,
        min(usage_date) as first_day,
        max(usage_date) as last_day,
        max(as_of) as as_of,
        cast(sum(tokens) filter (where country = 'CN') as bigint) as cn,
        cast(sum(tokens) filter (where country = 'US') as bigint) as us
    from week_entries
    group by claim_id, reading_id
),

week_ranks as (
    select
        claim_id,
        reading_id,
        country,
        row_number() over (
            partition by claim_id, reading_id order by sum(tokens) desc, entry asc
        ) as position
    from week_entries
    where not is_other
    group by claim_id, reading_id, entry, country
),

week_top6 as (
    select
        claim_id,
        reading_id,
        count(*) filter (where country = 'CN') as chinese
    from week_ranks
    where position <= 6
    group by claim_id, reading_id
),

week_claims as (
    select
        week_days.claim_id,
        week_days.reading_id,
        case
            when week_days.days < 7 then null
            when week_days.claim_id = 'openrouter_week_2026_02_09_cn_ahead'
                then cast(week_days.cn as double) / nullif(cast(week_days.us as double), 0)
            else cast(week_top6.chinese as double)
        end as measured_number,
        case
            when week_days.days = 7 and week_days.claim_id = 'openrouter_week_2026_02_09_cn_ahead'
                then coalesce(week_days.cn, 0) > coalesce(week_days.us, 0)
        end as ordering_holds,
        cast(null as double) as bound_low,
        cast(null as double) as bound_high,
        case
            when week_days.claim_id = 'openrouter_week_2026_02_09_cn_ahead'
                then printf(
                    'CN %,d vs US %,d tokens over %d of the week''s 7 days',
                    coalesce(week_days.cn, 0),
                    coalesce(week_days.us, 0),
                    week_days.days
                )
            else printf(
                '%d of the week''s top 6 are Chinese (%d of its 7 days ranked)',
                coalesce(week_top6.chinese, 0),
                week_days.days
            )
        end as measured_value,
        week_days.first_day as window_start,
        week_days.last_day as window_end,
        week_days.as_of
    from week_days
    left join week_top6
        on week_days.claim_id = week_top6.claim_id and week_days.reading_id = week_top6.reading_id
),

measured as (
    select * from shares
    union all
    select * from top20
    union all
    select * from week_claims
),

-- Every reading gets a row, measured or not.
final as (
    select
        readings.claim_id,
        readings.reading_id,
        readings.reading,
        measured.measured_number,
        measured.ordering_holds,
        measured.bound_low,
        measured.bound_high,
        coalesce(measured.measured_value, 'no rankings in the window') as measured_value,
        measured.window_start,
        measured.window_end,
        case
            when readings.claim_id like 'openrouter_week_%'
                then 'OpenRouter''s top 50 over the ISO week; the measure needs all 7 days ranked'
            else 'every stored day of OpenRouter''s top 50 + other'
        end as coverage,
        case
            when measured.measured_value is null then 'No OpenRouter rankings cover the claim''s week.'
            when readings.claim_id like 'openrouter_week_%' and measured.measured_number is null
                then 'The week is not completely ranked: a partial week is not measured.'
            when readings.claim_id = 'cn_open_13pct_of_all_usage'
                then 'A lower bound: tokens outside the top 50 (or unlisted) are not attributed.'
            else 'Open weights and countries are known for the listed models of the top 50.'
        end as evidence,
        {{ openrouter_citation('measured.as_of') }} as source_citation,
        readings.reading_id = 'as_defined' as is_definition
    from readings
    left join measured
        on readings.claim_id = measured.claim_id and readings.reading_id = measured.reading_id
)

select * from final
