-- The claims measured on OpenRouter: the share of Chinese models in the daily top 20, the share
-- of Chinese open models in token usage, and the largest DeepSeek/OpenAI price ratio. One row
-- per claim, with the window the measure rests on as dates; `int_claims__evidence` decides
-- whether the window can test the claim.
with

claims as (
    select * from {{ ref('claims') }}
),

top_models as (
    select * from {{ ref('int_openrouter__top_models') }}
),

usage_share as (
    select * from {{ ref('int_openrouter__usage_share') }}
),

pair_ratios as (
    select * from {{ ref('int_prices__pair_cost_ratio') }}
),

-- "7 of the top 20 models on OpenRouter are Chinese": Chinese entries in each day's top 20.
newest as (
    select top_models.source_citation
    from top_models
    order by top_models.usage_date desc
    limit 1
),

top20_claim as (
    select * from claims
    where claim_id = 'openrouter_top20_seven_chinese'
),

top20_days as (
    select
        usage_date,
        count(*) filter (where country = 'CN') as chinese
    from top_models
    where rank <= 20
    group by usage_date
),

top20 as (
    select
        'openrouter_top20_seven_chinese' as claim_id,
        median(top20_days.chinese) as measured_number,
        case
            when count(*) = 0 then 'no rankings'
            else printf(
                'median %s of the top 20 per day are Chinese (from %d to %d)',
                cast(median(top20_days.chinese) as {{ dbt.type_string() }}),
                min(top20_days.chinese),
                max(top20_days.chinese)
            )
        end as measured_value,
        min(top20_days.usage_date) as window_start,
        max(top20_days.usage_date) as window_end,
        printf(
            '%d days of OpenRouter''s top 50; variants (:free) rank as their own entries',
            count(*)
        ) as coverage,
        case
            when count(*) = 0 then 'not_measurable'
            when
                abs(median(top20_days.chinese) - any_value(claim.published_number))
                <= any_value(claim.tolerance)
                then 'consistent'
            else 'not_consistent'
        end as verdict,
        case
            when count(*) = 0 then 'No OpenRouter rankings are stored.'
            else 'Chinese entries in each day''s top 20 (any developer in China, open or closed).'
        end as evidence,
        any_value(newest.source_citation) as source_citation
    from top20_days
    cross join top20_claim as claim
    left join newest on true
),

-- "Close to half of open-model usage, about 13% of all usage": every day of the rankings.
usage_totals as (
    select
        min(period_start) as first_day,
        max(period_start) as last_day,
        count(*) as rows_,
        sum(tokens) filter (where country = 'CN' and is_open_weights) as cn_open,
        sum(tokens) filter (where is_open_weights) as open_,
        sum(tokens) filter (where is_open_weights is null) as unknown,
        sum(tokens) as all_,
        count(distinct period_start) as days,
        {{ value_at_latest('source_citation', 'period_start') }} as source_citation
    from usage_share
    where period_grain = 'day'
),

usage_measures as (
    select
        claim.claim_id,
        claim.published_number,
        claim.tolerance,
        totals.*,
        case claim.claim_id
            when 'cn_open_half_of_open_usage'
                then cast(totals.cn_open as double) / nullif(cast(totals.open_ as double), 0)
            else cast(totals.cn_open as double) / nullif(cast(totals.all_ as double), 0)
        end as measured,
        -- Of all tokens: the `other` bucket and unlisted slugs could all be Chinese and open.
        cast(totals.cn_open + totals.unknown as double) / nullif(cast(totals.all_ as double), 0)
            as upper_bound
    from usage_totals as totals
    cross join claims as claim
    where claim.claim_id in ('cn_open_half_of_open_usage', 'cn_open_13pct_of_all_usage')
),

usage_claims as (
    select
        claim_id,
        measured as measured_number,
        case
            when rows_ = 0 then 'no rankings'
            when claim_id = 'cn_open_half_of_open_usage'
                then printf('%.1f%% of the tokens of open-weight models', 100 * measured)
            else printf(
                '%.1f%% of all tokens (at most %.1f%% if every model outside the top 50 were '
                || 'Chinese and open)',
                100 * measured,
                100 * upper_bound
            )
        end as measured_value,
        first_day as window_start,
        last_day as window_end,
        printf(
            '%d days of OpenRouter''s top 50 + other; %.1f%% of tokens (outside the top 50 or '
            || 'unlisted) have no known openness',
            days,
            100 * cast(unknown as double) / nullif(cast(all_ as double), 0)
        ) as coverage,
        case
            when rows_ = 0 then 'not_measurable'
            when abs(measured - published_number) <= tolerance then 'consistent'
            when claim_id = 'cn_open_half_of_open_usage' then 'not_consistent'
            when measured > published_number + tolerance then 'not_consistent'
            when upper_bound < published_number - tolerance then 'not_consistent'
            else 'not_measurable'
        end as verdict,
        case
            when rows_ = 0 then 'No OpenRouter rankings are stored.'
            when
                claim_id = 'cn_open_13pct_of_all_usage'
                and measured < published_number - tolerance
                and upper_bound >= published_number - tolerance
                then
                    'Below the figure among the top 50, but the tokens outside the top 50 '
                    || 'could make up the gap.'
            when claim_id = 'cn_open_half_of_open_usage'
                then 'Open weights are known for the top 50 only; the share is of their tokens.'
            else 'A lower bound: the tokens outside the top 50 are not attributed.'
        end as evidence,
        source_citation
    from usage_measures
),

-- "DeepSeek is up to 40 times cheaper than OpenAI": the largest daily ratio between a
-- DeepSeek model and the OpenAI model it is paired with.
deepseek_days as (
    select *
    from pair_ratios
    where
        period_grain = 'day'
        and model_id like 'deepseek/%'
        and reference_model_id like 'openai/%'
        and times_cheaper is not null
),

deepseek_extent as (
    select
        min(period_start) as window_start,
        max(period_start) as window_end,
        printf(
            '%d DeepSeek/OpenAI pairs of reference_model_pairs over %d compared days',
            count(distinct model_id),
            count(distinct period_start)
        ) as coverage
    from deepseek_days
),

deepseek_largest as (
    select *
    from deepseek_days
    order by times_cheaper desc, period_start asc, model_id asc, price_tier asc
    limit 1
),

deepseek_ratio as (
    select
        'deepseek_40x_cheaper_than_openai' as claim_id,
        largest.times_cheaper as measured_number,
        case
            when largest.model_id is null then 'no DeepSeek/OpenAI pair priced on the same day'
            else printf(
                'at most %.1f times cheaper: %s against %s on %s (%s tier)',
                largest.times_cheaper,
                largest.model_id,
                largest.reference_model_id,
                cast(largest.period_start as {{ dbt.type_string() }}),
                largest.price_tier
            )
        end as measured_value,
        extent.window_start,
        extent.window_end,
        extent.coverage,
        case
            when largest.model_id is null then 'not_measurable'
            when abs(largest.times_cheaper - claim.published_number) <= claim.tolerance
                then 'consistent'
            else 'not_consistent'
        end as verdict,
        case
            when largest.model_id is null
                then 'No day prices a DeepSeek model and its OpenAI reference together.'
            else printf(
                'Blended prices %s vs %s USD per million tokens; prices from %s (DeepSeek) '
                || 'and %s (OpenAI).',
                cast(round(largest.model_blended_usd_per_mtok, 4) as {{ dbt.type_string() }}),
                cast(round(largest.reference_blended_usd_per_mtok, 4) as {{ dbt.type_string() }}),
                largest.model_price_source,
                largest.reference_price_source
            )
        end as evidence
    from (
        select * from claims
        where claim_id = 'deepseek_40x_cheaper_than_openai'
    ) as claim
    cross join deepseek_extent as extent
    left join deepseek_largest as largest on true
),

final as (
    select * from top20
    {{ union_all_by_name() }}
    select * from usage_claims
    {{ union_all_by_name() }}
    select
        *,
        null as source_citation
    from deepseek_ratio
)

select * from final
