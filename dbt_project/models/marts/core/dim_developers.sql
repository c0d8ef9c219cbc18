-- One row per developer of the registry, plus `unattributed` for every org the registry does
-- not name (community uploaders, mostly), so that shares always add up to the whole.
with

registry as (
    select * from {{ ref('developer_registry') }}
),

developers as (
    select
        developer_id,
        any_value(developer_name) as developer_name,
        any_value(country) as country,
        any_value(org_type) as org_type,
        cast(count(*) as integer) as hub_org_count,
        {{ ordered_string_agg('hub_org', "', '", 'hub_org') }} as hub_orgs
    from registry
    group by developer_id
),

unattributed as (
    select
        'unattributed' as developer_id,
        'Unattributed (orgs not in the registry)' as developer_name,
        'unattributed' as country,
        'community' as org_type,
        cast(0 as integer) as hub_org_count,
        cast(null as {{ dbt.type_string() }}) as hub_orgs
)

select * from developers
union all
select * from unattributed
