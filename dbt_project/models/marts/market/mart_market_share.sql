-- Each country's share of every metric, per week and month: `int_market__shares` as it is (the
-- shares are computed there, where the claims read them too); the contract holds its columns.
select * from {{ ref('int_market__shares') }}
