-- Position valuation (docs/positions.md): the one definition of unrealized P&L, used by the statement that records a
-- trade and by mark-to-market.
-- (mark - average_cost) * quantity * multiplier, rounded half away from zero to the 4 decimal places of
-- trading.positions.unrealized_pnl; NULL without a mark. Assigning a value beyond numeric(18,4) raises 22003.
CREATE OR REPLACE FUNCTION trading.position_unrealized_pnl(p_mark NUMERIC, p_average_cost NUMERIC, p_quantity NUMERIC,
                                                           p_multiplier INTEGER)
RETURNS NUMERIC
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN round((p_mark - p_average_cost) * p_quantity * p_multiplier, 4);
SELECT trading.pin_search_path('trading.position_unrealized_pnl(numeric, numeric, numeric, integer)');
