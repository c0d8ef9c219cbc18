{#- The incremental Hub models: which days, periods and models a run rebuilds, decided when a
    model compiles (or in its pre-hook), from the stored tables and the run's days. -#}

{#- The first day `int_hub__model_observations` rebuilds in an incremental run: the run's first
    day, or the first day on which the stored observations and the raw layer disagree, if that
    is earlier (a day evicted from the raw layer is stored but no longer raw; a day admitted or
    loaded outside the run's days is raw but not stored). None when the model is built whole
    (first build, full refresh, Spark) or at parse time. The model and its pre-hook both call
    it, before the hook deletes anything, so they agree. -#}
{% macro hub_observations_rebuild_from() -%}
    {%- if not execute or target.type == 'spark' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with
        stored as (select distinct snapshot_date from {{ this }}),
        raw as (
            select distinct snapshot_date from {{ ref('stg_hub__model_snapshots') }}
            where downloads_all_time is not null
        ),
        changed as (
            (select snapshot_date from stored except select snapshot_date from raw)
            union all
            (select snapshot_date from raw except select snapshot_date from stored)
        )
        select cast(least(
            {{ partition_start_date() }},
            coalesce((select min(snapshot_date) from changed), date '9999-12-31')
        ) as varchar)
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{#- The pre-hook of `int_hub__model_observations`: delete the days it is about to rebuild. -#}
{% macro hub_observations_delete_rebuilt() -%}
    {%- set rebuild_from = hub_observations_rebuild_from() -%}
    {%- if rebuild_from -%}
        delete from {{ this }} where snapshot_date >= date '{{ rebuild_from }}'
    {%- endif -%}
{%- endmacro %}

{#- The periods `int_hub__model_downloads_periods` recomputes in an incremental run: every week
    and month holding a daily row derived after the newest one it has summed. Returns
    (first day to read, [(grain, period start), ...]), or none when the model is built whole
    (first build, full refresh, Spark) or at parse time. -#}
{% macro downloads_changed_periods() -%}
    {%- if not execute or target.type == 'spark' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with
        changed_days as (
            select distinct daily.download_date
            from {{ stamped_since_last_build(ref('int_hub__model_downloads_daily'), 'derived_at') }} as daily
        )
        select distinct
            grain.period_grain,
            cast(cast(date_trunc(grain.period_grain, changed_days.download_date) as date) as varchar)
                as period_start
        from changed_days
        cross join (values ('week'), ('month')) as grain (period_grain)
        order by 2, 1
    {%- endset -%}
    {%- set periods = run_query(query).rows | map('list') | list -%}
    {%- set first = ("date '" ~ periods[0][1] ~ "'") if periods else none -%}
    {{ return((first, periods)) }}
{%- endmacro %}

{#- The pre-hook of `int_hub__model_downloads_periods`: delete the periods it recomputes. -#}
{% macro downloads_periods_delete_changed() -%}
    {%- set changed = downloads_changed_periods() -%}
    {%- if changed is not none and changed[1] -%}
        delete from {{ this }}
        where {{ in_periods(changed[1]) }}
    {%- endif -%}
{%- endmacro %}

{#- What `int_hub__model_observed` merges in an incremental run: the newest `built_at` it has
    (`watermark`), the first day among the observations built after it (`first_day`; none when
    there are none), and whether a kept model's span reaches that day (`has_rerun`). None when
    the model is built whole (first build, full refresh, Spark) or at parse time. -#}
{% macro observed_changes() -%}
    {%- if not execute or target.type == 'spark' or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with
        changed as (
            select min(built.snapshot_date) as first_day
            from {{ stamped_since_last_build(ref('int_hub__model_observations'), 'built_at') }} as built
        )
        select
            cast((select coalesce(max(built_at), timestamp '1900-01-01') from {{ this }}) as varchar),
            cast(coalesce((select changed.first_day from changed), date '9999-12-31') as varchar),
            exists (
                select 1 from {{ this }}
                where last_observed_date >= (select changed.first_day from changed)
            )
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {{ return({'watermark': row[0], 'first_day': row[1], 'has_rerun': row[2]}) }}
{%- endmacro %}

{#- Whether a row's (period_grain, period_start) is one of `periods` (false for none). -#}
{% macro in_periods(periods) -%}
    ({% for period in periods -%}
        {{ " or " if not loop.first }}(period_grain = '{{ period[0] }}' and period_start = date '{{ period[1] }}')
    {%- else -%}
        false
    {%- endfor %})
{%- endmacro %}

{#- The rows of `upstream` stamped (`stamp`: when a run built them) after the newest stamp this
    model has kept, as a subquery: what an incremental run of it has not merged yet. -#}
{% macro stamped_since_last_build(upstream, stamp) -%}
    (
        select * from {{ upstream }}
        where {{ stamp }} > (
            select coalesce(max({{ stamp }}), timestamp '1900-01-01') from {{ this }}
        )
    )
{%- endmacro %}
