-- One row per change of a model's OpenRouter list price, per price tier: the first recorded day
-- with the new price, the prices before and after, and how long the old price held.
--
-- A change is a different status, input or output price from the model's previous listing. The
-- previous listing is the last day the model (and tier) was listed, so a model absent for a few
-- days, a `:batch` variant that blinks out and back, and a gap in the recordings are not
-- changes; neither are fields that come and go around the prices (`pricing.request`,
-- `canonical_slug`, `overrides`: time-of-day prices are flagged in the price marts, the list
-- price is what changes here).
with

prices as (
    select * from {{ ref('int_openrouter__prices') }}
),

keyed as (
    select
        *,
        concat_ws(
            '|',
            price_status,
            coalesce(cast(input_usd_per_mtok as {{ dbt.type_string() }}), 'null'),
            coalesce(cast(output_usd_per_mtok as {{ dbt.type_string() }}), 'null')
        ) as price_key
    from prices
),

compared as (
    select
        *,
        lag(price_key) over by_tier as previous_price_key,
        lag(snapshot_date) over by_tier as previous_listed_date,
        lag(price_status) over by_tier as previous_price_status,
        lag(input_usd_per_mtok) over by_tier as previous_input_usd_per_mtok,
        lag(output_usd_per_mtok) over by_tier as previous_output_usd_per_mtok,
        lag(blended_usd_per_mtok) over by_tier as previous_blended_usd_per_mtok
    from keyed
    window by_tier as (partition by model_id, price_tier order by snapshot_date)
),

islands as (
    select
        *,
        sum(cast(coalesce(price_key != previous_price_key, true) as integer)) over (
            partition by model_id, price_tier order by snapshot_date
            rows between unbounded preceding and current row
        ) as island
    from compared
),

island_starts as (
    select
        model_id,
        price_tier,
        island,
        min(snapshot_date) as first_listed_date
    from islands
    group by model_id, price_tier, island
),

changes as (
    select
        islands.model_id,
        islands.price_tier,
        islands.snapshot_date as change_date,
        islands.previous_listed_date,
        previous_island.first_listed_date as previous_price_since,
        islands.developer_id,
        islands.country,
        islands.is_open_weights,
        islands.is_text_model,
        islands.previous_price_status,
        islands.price_status,
        islands.previous_input_usd_per_mtok,
        islands.input_usd_per_mtok,
        islands.previous_output_usd_per_mtok,
        islands.output_usd_per_mtok,
        islands.previous_blended_usd_per_mtok,
        islands.blended_usd_per_mtok
    from islands
    inner join island_starts as previous_island
        on
            islands.model_id = previous_island.model_id
            and islands.price_tier = previous_island.price_tier
            and islands.island - 1 = previous_island.island
    where islands.previous_price_key is not null and islands.price_key != islands.previous_price_key
)

select * from changes
