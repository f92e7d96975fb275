-- The newest quote per option contract. Every options_data column except id, one row per option_symbol, kept current
-- by ingestion like latest_stock_prices. The (underlying_symbol, option_symbol) index serves a chain's latest quotes.
CREATE TABLE IF NOT EXISTS trading.latest_option_quotes (
    underlying_symbol VARCHAR(10) NOT NULL,
    option_symbol VARCHAR(50) NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    expiration_date DATE NOT NULL,
    strike_price DECIMAL(12,4) NOT NULL,
    option_type VARCHAR(4) NOT NULL CHECK (option_type IN ('CALL', 'PUT')),
    bid_price DECIMAL(12,4),
    ask_price DECIMAL(12,4),
    last_price DECIMAL(12,4),
    volume BIGINT DEFAULT 0,
    open_interest BIGINT DEFAULT 0,
    implied_volatility DECIMAL(8,6),
    delta DECIMAL(8,6),
    gamma DECIMAL(8,6),
    theta DECIMAL(8,6),
    vega DECIMAL(8,6),
    rho DECIMAL(8,6),
    intrinsic_value DECIMAL(12,4),
    time_value DECIMAL(12,4),
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (option_symbol)
);

CREATE INDEX IF NOT EXISTS latest_option_quotes_underlying_idx
    ON trading.latest_option_quotes (underlying_symbol, option_symbol);
