{#- The incremental Hub models rebuild every day from `rebuild_from()` on (decided in Python:
    orchestration/lib/rebuild_window.py); docs/incremental.md says how each uses it. -#}

{#- A pre-hook: delete the kept rows the model is about to rebuild (those whose `date_column` is
    a rebuilt day), inside the build's transaction. Nothing on a first build or full refresh. -#}
{% macro delete_rebuilt_days(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ rebuild_from() }}
    {%- endif -%}
{%- endmacro %}

{#- The first day of the daily downloads rebuilt in this build, as a SQL scalar: the rebuild's
    first day, or the first day of a gap that closes on a rebuilt day, if earlier. -#}
{% macro downloads_rebuilt_from() -%}
    least(
        {{ rebuild_from() }},
        coalesce(
            (
                select min(rebuilt.download_date) from {{ ref('int_hub__model_downloads_daily') }} as rebuilt
                where rebuilt.observed_date >= {{ rebuild_from() }}
            ),
            {{ rebuild_from() }}
        )
    )
{%- endmacro %}

{#- A pre-hook of `int_hub__model_downloads_periods`: delete every period that holds a rebuilt
    day (each grain's period of `downloads_rebuilt_from()` and every later one). -#}
{% macro delete_rebuilt_periods() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where period_start >= cast(date_trunc(period_grain, {{ downloads_rebuilt_from() }}) as date)
    {%- endif -%}
{%- endmacro %}
