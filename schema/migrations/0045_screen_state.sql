-- Screen state (docs/queries.md#screens): per bar of a width, the values trading.screen returns for it, computed by
-- trading.refresh_screen_state (repeatable/76_screen_state.sql) with the same bars and warm-up as the single-symbol
-- functions. Derived data: a portable backup leaves it out and the next refresh rebuilds it; trading.screen reads a
-- row only while nothing written since its refresh can have changed it, and computes every other symbol exactly.

-- One row per refreshed width: screen_states holds, for every symbol of screen_state_symbols, every bar with bucket
-- start before horizon (and from that symbol's covered_from). Writes to stock_prices before watched_to are recorded.
-- discovered_from: the oldest raw row at the refresh; every symbol with a bar from there to horizon has a row in
-- screen_state_symbols.
CREATE TABLE IF NOT EXISTS trading.screen_state_widths (
    width INTERVAL PRIMARY KEY,
    horizon TIMESTAMPTZ,
    watched_to TIMESTAMPTZ NOT NULL,
    refreshed_at TIMESTAMPTZ,
    discovered_from TIMESTAMPTZ
);

-- One row per width and symbol. covered_from: the state holds every bar from there ('-infinity': from the symbol's
-- first bar; NULL: no state for the symbol). changed_from: the earliest stock_prices timestamp of the symbol written
-- (inserted, updated or deleted) since the refresh, when it was before watched_to; change_version tells a refresh
-- whether the change it consumed is still the newest one. read_from: the first bar the refresh read (its warm-up).
-- newest_bucket and the columns after it: a copy of the symbol's newest screen_states row (a screen as of now reads
-- only this table).
CREATE TABLE IF NOT EXISTS trading.screen_state_symbols (
    width INTERVAL NOT NULL,
    symbol TEXT NOT NULL,
    covered_from TIMESTAMPTZ,
    read_from TIMESTAMPTZ,
    changed_from TIMESTAMPTZ,
    change_version BIGINT NOT NULL DEFAULT 0,
    newest_bucket TIMESTAMPTZ,
    close NUMERIC,
    change NUMERIC,
    change_percent DOUBLE PRECISION,
    rsi14 DOUBLE PRECISION,
    sma20 DOUBLE PRECISION,
    sma50 DOUBLE PRECISION,
    percent_b DOUBLE PRECISION,
    bandwidth DOUBLE PRECISION,
    atr14 DOUBLE PRECISION,
    volume BIGINT,
    relative_volume DOUBLE PRECISION,
    PRIMARY KEY (width, symbol)
);

CREATE SEQUENCE IF NOT EXISTS trading.screen_state_change_version;

-- The screen's row for one bar (columns of trading.screen), with Wilder's averages after that bar.
CREATE TABLE IF NOT EXISTS trading.screen_states (
    width INTERVAL NOT NULL,
    symbol TEXT NOT NULL,
    bucket TIMESTAMPTZ NOT NULL,
    close NUMERIC NOT NULL,
    change NUMERIC,
    change_percent DOUBLE PRECISION,
    rsi14 DOUBLE PRECISION,
    sma20 DOUBLE PRECISION,
    sma50 DOUBLE PRECISION,
    percent_b DOUBLE PRECISION,
    bandwidth DOUBLE PRECISION,
    atr14 DOUBLE PRECISION,
    volume BIGINT,
    relative_volume DOUBLE PRECISION,
    average_gain DOUBLE PRECISION,
    average_loss DOUBLE PRECISION,
    average_range DOUBLE PRECISION,
    PRIMARY KEY (width, symbol, bucket)
);
