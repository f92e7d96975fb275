-- The newest bar per symbol. Every stock_prices column except id, one row per symbol. Trading.Timescale ingestion
-- upserts it in the same transaction as the bars it writes (keeping a row only when it is not older), so reading the
-- latest prices is a primary-key lookup whatever the hypertable holds. Rows written by other tools reach it through
-- TradingIngest.RebuildLatestAsync. A plain table: it stays small and is never dropped by retention.
CREATE TABLE IF NOT EXISTS trading.latest_stock_prices (
    symbol VARCHAR(10) NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    open_price DECIMAL(12,4),
    high_price DECIMAL(12,4),
    low_price DECIMAL(12,4),
    close_price DECIMAL(12,4),
    volume BIGINT,
    vwap DECIMAL(12,4),
    market_cap BIGINT,
    shares_outstanding BIGINT,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (symbol)
);
