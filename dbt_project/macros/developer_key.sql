{#- The developer a market figure is attributed to: the registry's developer, or `org:<hub org>`
    for an org not in it, so that concentration is measured over real publishers. -#}
{% macro developer_key(developer_id, hub_org) -%}
    case
        when {{ developer_id }} = 'unattributed' then 'org:' || {{ hub_org }}
        else {{ developer_id }}
    end
{%- endmacro %}
