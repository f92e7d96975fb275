-- At most one OPEN position per account and instrument: the stock symbol for a stock, the option symbol
-- for an option leg. Closed positions are not constrained, so an instrument can be traded again after a close.
-- The index also serves the lookup of an account's open position in an instrument.
CREATE UNIQUE INDEX IF NOT EXISTS positions_open_instrument_key
    ON trading.positions (account, instrument_type, (COALESCE(option_symbol, symbol)))
    WHERE status = 'OPEN';
