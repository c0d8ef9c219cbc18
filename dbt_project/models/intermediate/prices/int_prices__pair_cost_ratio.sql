-- The cost ratio of each reference pair (a Chinese open model against the US closed model it
-- competes with) over time: one row a day, and one a month per combination of price sources, so
-- a month never mixes OpenRouter and genai-prices figures without saying so.
with

daily_prices as (
    select * from {{ ref('int_prices__cost_ratio') }}
),

-- Days on which a paired model has a price in the tier; the ratio only where both sides are
-- priced text models (as `int_prices__cost_ratio` states it).
daily as (
    select
        price_date,
        model_id,
        reference_model_id,
        comparison_class,
        price_tier,
        price_source as model_price_source,
        coalesce(reference_price_source, 'none') as reference_price_source,
        blended_usd_per_mtok as model_blended_usd_per_mtok,
        reference_blended_usd_per_mtok,
        times_cheaper_than_reference as times_cheaper
    from daily_prices
    -- A model of the `reference_model_pairs` seed: `int_prices__cost_ratio` names its reference.
    where reference_model_id is not null
),

-- A day is a period of its own: its ratio, range and counts are the day's.
day_rows as (
    select
        price_date as period_start,
        'day' as period_grain,
        model_id,
        reference_model_id,
        comparison_class,
        price_tier,
        model_price_source,
        reference_price_source,
        model_blended_usd_per_mtok,
        reference_blended_usd_per_mtok,
        times_cheaper,
        times_cheaper as times_cheaper_min,
        times_cheaper as times_cheaper_max,
        cast(times_cheaper is not null as integer) as days_compared,
        cast(1 as integer) as days_priced,
        case when times_cheaper is not null then price_date end as last_compared_date
    from daily
),

-- Within a month and a combination of sources: the median, the range and the month's last
-- compared day. Days without a ratio (one side missing, free or unknown) are not compared.
month_rows as (
    select
        cast(date_trunc('month', price_date) as date) as period_start,
        'month' as period_grain,
        model_id,
        reference_model_id,
        comparison_class,
        price_tier,
        model_price_source,
        reference_price_source,
        {{ arg_max('model_blended_usd_per_mtok', 'price_date') }} filter (
            where times_cheaper is not null
        ) as model_blended_usd_per_mtok,
        {{ arg_max('reference_blended_usd_per_mtok', 'price_date') }} filter (
            where times_cheaper is not null
        ) as reference_blended_usd_per_mtok,
        median(times_cheaper) as times_cheaper,
        min(times_cheaper) as times_cheaper_min,
        max(times_cheaper) as times_cheaper_max,
        cast(count(times_cheaper) as integer) as days_compared,
        cast(count(*) as integer) as days_priced,
        max(price_date) filter (where times_cheaper is not null) as last_compared_date
    from daily
    group by all
),

-- Columns are matched by name; the contract orders them.
final as (
    select * from day_rows
    {{ union_all_by_name() }}
    select * from month_rows
)

select * from final
