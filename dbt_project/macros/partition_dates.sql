{#- The first day the daily-grain Hub models rebuild, as a SQL date literal: every day from it
    to the newest is rebuilt. Decided once, in Python, before dbt starts
    (`orchestration/lib/rebuild_window.py`: the run's first day, or an earlier day evicted from
    or admitted to the raw layer), and read from `OBSERVATORY_REBUILD_FROM`, the one channel
    (the tests' `where` read it too; a unit test sets it in `overrides: env_vars`). Unset, the
    whole history. Environment rather than vars: a var that changes makes dbt re-parse the whole
    project, an environment variable only the files that read it. -#}
{% macro rebuild_from() -%}
    date '{{ rebuild_from_day() }}'
{%- endmacro %}

{#- The same day as `YYYY-MM-DD`, to compare with other days when the model compiles. -#}
{% macro rebuild_from_day() -%}
    {{ return(env_var('OBSERVATORY_REBUILD_FROM', '1900-01-01')) }}
{%- endmacro %}

{#- When this dbt invocation started, as a SQL timestamp: what the rebuilt rows are stamped
    with, so a model downstream finds the rows rebuilt before it in the same build. -#}
{% macro build_stamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
