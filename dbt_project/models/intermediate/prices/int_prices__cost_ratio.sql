-- A table, not a view: the price marts, the pair ratios and the claims read it.
{{ config(materialized='table') }}

-- One row per day x OpenRouter model x price tier: the list price valid that day, from
-- OpenRouter when it has one and from genai-prices before that, with the reference price of the
-- US closed model the model is compared with (the reference_model_pairs seed).
with

history as (
    select * from {{ ref('int_prices__price_history') }}
),

openrouter_models as (
    select * from {{ ref('int_openrouter__models') }}
),

hub_models as (
    select * from {{ ref('int_hub__models') }}
),

pairs as (
    select * from {{ ref('reference_model_pairs') }}
),

latest_model as (
    select *
    from openrouter_models
    qualify row_number() over (partition by model_id order by snapshot_date desc) = 1
),

last_openrouter_date as (
    select max(snapshot_date) as snapshot_date from openrouter_models
),

-- From the configured start to the last OpenRouter snapshot: no price is claimed beyond it.
calendar_bounds as (
    select
        {{ calendar_start() }} as first_date,
        snapshot_date as last_date
    from last_openrouter_date
),

calendar as (
    select cast(days.day as date) as price_date
    from calendar_bounds
    cross join
        {{ date_series('calendar_bounds.first_date', 'calendar_bounds.last_date') }} as days (day)
),

daily as (
    select
        calendar.price_date,
        history.model_id,
        history.price_tier,
        history.price_source,
        history.price_status,
        history.has_overrides,
        history.input_usd_per_mtok,
        history.output_usd_per_mtok,
        history.blended_usd_per_mtok
    from history
    inner join latest_model on history.model_id = latest_model.model_id
    inner join calendar
        on
            history.valid_from <= calendar.price_date
            and coalesce(history.valid_to, calendar.price_date) >= calendar.price_date
    -- The marketplace's observed price wins over the package's on a day both have one.
    qualify row_number() over (
        partition by calendar.price_date, history.model_id, history.price_tier
        order by history.price_source = 'openrouter' desc
    ) = 1
),

attributed as (
    select
        daily.*,
        latest_model.developer_id,
        latest_model.country,
        latest_model.is_open_weights,
        latest_model.is_text_model,
        hub_models.model_id as hub_model_id
    from daily
    inner join latest_model on daily.model_id = latest_model.model_id
    left join hub_models on lower(latest_model.hugging_face_id) = lower(hub_models.model_id)
),

with_reference as (
    select
        attributed.*,
        pairs.comparison_class,
        pairs.reference_model_id,
        reference.price_source as reference_price_source,
        reference.blended_usd_per_mtok as reference_blended_usd_per_mtok,
        case
            when
                attributed.is_text_model
                and attributed.price_status = 'priced'
                and reference.price_status = 'priced'
                and attributed.blended_usd_per_mtok > 0
                then
                    cast(reference.blended_usd_per_mtok as double)
                    / cast(attributed.blended_usd_per_mtok as double)
        end as times_cheaper_than_reference
    from attributed
    left join pairs on attributed.model_id = pairs.model_id
    left join daily as reference
        on
            pairs.reference_model_id = reference.model_id
            and attributed.price_date = reference.price_date
            and attributed.price_tier = reference.price_tier
),

final as (
    select
        price_date,
        model_id,
        price_tier,
        price_source,
        developer_id,
        country,
        is_open_weights,
        is_text_model,
        hub_model_id,
        price_status,
        has_overrides,
        input_usd_per_mtok,
        output_usd_per_mtok,
        blended_usd_per_mtok,
        comparison_class,
        reference_model_id,
        reference_price_source,
        reference_blended_usd_per_mtok,
        times_cheaper_than_reference
    from with_reference
)

select * from final
