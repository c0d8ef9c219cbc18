-- Validity ranges of list prices per (source, model, tier): a price that did not change is one
-- row, not one row per day. OpenRouter: consecutive snapshots with the same status and prices
-- form one range (gaps and islands); a range ends the day before the next different price, or
-- on the last snapshot that listed the model if it left the list; the current price stays open
-- (`valid_to` null). genai-prices: a price is valid from its start date to the day before the
-- next start; a price without a start date starts when OpenRouter first listed the model
-- (null when OpenRouter does not list it: the package does not say).
with

openrouter as (
    select * from {{ ref('int_openrouter__prices') }}
),

genai as (
    select * from {{ ref('int_genai_prices__prices') }}
),

last_snapshot as (
    select max(snapshot_date) as snapshot_date from openrouter
),

-- One text key of everything that makes a price: a change of any part starts a new range.
openrouter_keyed as (
    select
        *,
        concat_ws(
            '|',
            price_status,
            coalesce(cast(input_usd_per_mtok as {{ dbt.type_string() }}), 'null'),
            coalesce(cast(output_usd_per_mtok as {{ dbt.type_string() }}), 'null'),
            cast(has_overrides as {{ dbt.type_string() }})
        ) as price_key
    from openrouter
),

openrouter_changes as (
    select
        *,
        coalesce(
            lag(price_key) over (partition by model_id, price_tier order by snapshot_date) != price_key,
            true
        ) as is_change
    from openrouter_keyed
),

openrouter_islands as (
    select
        *,
        sum(cast(is_change as integer)) over (
            partition by model_id, price_tier order by snapshot_date
            rows between unbounded preceding and current row
        ) as island
    from openrouter_changes
),

openrouter_ranges as (
    select
        model_id,
        price_tier,
        island,
        min(snapshot_date) as valid_from,
        max(snapshot_date) as last_seen_date,
        any_value(price_status) as price_status,
        any_value(has_overrides) as has_overrides,
        any_value(input_usd_per_mtok) as input_usd_per_mtok,
        any_value(output_usd_per_mtok) as output_usd_per_mtok,
        any_value(blended_usd_per_mtok) as blended_usd_per_mtok
    from openrouter_islands
    group by model_id, price_tier, island
),

openrouter_history as (
    select
        'openrouter' as price_source,
        openrouter_ranges.model_id,
        openrouter_ranges.price_tier,
        openrouter_ranges.valid_from,
        case
            when lead(openrouter_ranges.valid_from) over tier_ranges is not null
                then lead(openrouter_ranges.valid_from) over tier_ranges - 1
            when openrouter_ranges.last_seen_date < last_snapshot.snapshot_date
                then openrouter_ranges.last_seen_date
        end as valid_to,
        openrouter_ranges.price_status,
        openrouter_ranges.has_overrides,
        openrouter_ranges.input_usd_per_mtok,
        openrouter_ranges.output_usd_per_mtok,
        openrouter_ranges.blended_usd_per_mtok
    from openrouter_ranges
    cross join last_snapshot
    window tier_ranges as (
        partition by openrouter_ranges.model_id, openrouter_ranges.price_tier
        order by openrouter_ranges.valid_from
    )
),

first_listed as (
    select
        model_id,
        min(coalesce(created_date, snapshot_date)) as first_listed_date
    from openrouter
    group by model_id
),

genai_history as (
    select
        'genai_prices' as price_source,
        genai.model_id,
        genai.price_tier,
        coalesce(genai.start_date, first_listed.first_listed_date) as valid_from,
        lead(genai.start_date) over (
            partition by genai.model_id, genai.price_tier order by genai.start_date nulls first
        ) - 1 as valid_to,
        genai.price_status,
        genai.has_size_tiers as has_overrides,
        genai.input_usd_per_mtok,
        genai.output_usd_per_mtok,
        genai.blended_usd_per_mtok
    from genai
    left join first_listed on genai.model_id = first_listed.model_id
),

history as (
    select * from openrouter_history
    union all
    select * from genai_history
),

-- A price without a start date that was superseded before OpenRouter listed the model never
-- applied to a day we can name.
valid as (
    select *
    from history
    where valid_from is null or valid_to is null or valid_from <= valid_to
)

select * from valid
