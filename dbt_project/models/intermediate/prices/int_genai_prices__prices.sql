-- The newest load of the genai-prices package, one row per provider x model x tier x start
-- date (when the package lists the same start twice, its later entry wins, as in the package).
-- Providers that are model developers are mapped to their OpenRouter author, and a model to
-- the OpenRouter model whose id matches once dots and case are ignored (`claude-opus-4-6` is
-- `anthropic/claude-opus-4.6`). Time-of-day overrides are left out of the list prices here.
with

loads as (
    select * from {{ ref('stg_genai_prices__prices') }}
),

providers as (
    select * from {{ ref('genai_prices_providers') }}
),

openrouter_models as (
    select distinct model_id
    from {{ ref('int_openrouter__models') }}
),

newest_load as (
    select *
    from loads
    qualify fetched_at = max(fetched_at) over ()
),

list_prices as (
    select *
    from newest_load
    where not is_override
    qualify row_number() over (
        partition by provider_id, model_ref, price_tier, start_date order by price_index desc
    ) = 1
),

mapped as (
    select
        list_prices.provider_id,
        list_prices.model_ref,
        list_prices.price_tier,
        list_prices.start_date,
        list_prices.has_size_tiers,
        list_prices.input_usd_per_mtok,
        list_prices.output_usd_per_mtok,
        list_prices.package_version,
        openrouter_models.model_id as openrouter_model_id,
        coalesce(
            openrouter_models.model_id,
            coalesce(providers.author, list_prices.provider_id) || '/' || list_prices.model_ref
        ) as model_id
    from list_prices
    left join providers on list_prices.provider_id = providers.provider_id
    left join openrouter_models
        on
            lower(replace(providers.author || '/' || list_prices.model_ref, '.', '-'))
            = lower(replace(openrouter_models.model_id, '.', '-'))
),

priced as (
    select
        provider_id,
        model_ref,
        model_id,
        openrouter_model_id is not null as is_on_openrouter,
        price_tier,
        start_date,
        has_size_tiers,
        case
            when input_usd_per_mtok = 0 and output_usd_per_mtok = 0 then 'free'
            else 'priced'
        end as price_status,
        input_usd_per_mtok,
        output_usd_per_mtok,
        {{ blended_price('input_usd_per_mtok', 'output_usd_per_mtok') }} as blended_usd_per_mtok,
        package_version
    from mapped
    where output_usd_per_mtok is not null
    -- Two package ids can name one OpenRouter model (`MiniMax-M2.7`, `minimax-m2-7`): keep one.
    qualify row_number() over (
        partition by model_id, price_tier, start_date order by model_ref
    ) = 1
)

select * from priced
