-- Secondary indexes for the spec's query patterns. Every hypertable already has its time index
-- (<table>_timestamp_idx, made by create_hypertable) and the natural keys of 0003; stock_prices
-- (symbol, timestamp DESC) and options_data (option_symbol, timestamp DESC) are those natural keys.
-- A partial index is used only by a query whose WHERE clause implies the index predicate.

-- stock_prices: recent high-volume bars across symbols.
CREATE INDEX IF NOT EXISTS stock_prices_high_volume_idx
    ON trading.stock_prices (timestamp DESC, symbol) WHERE volume >= 100000;

-- options_data: chains by underlying, strike, expiration and type, and screens on Greeks.
CREATE INDEX IF NOT EXISTS options_data_underlying_timestamp_idx
    ON trading.options_data (underlying_symbol, timestamp DESC);
CREATE INDEX IF NOT EXISTS options_data_chain_idx
    ON trading.options_data (underlying_symbol, expiration_date, strike_price, option_type);
CREATE INDEX IF NOT EXISTS options_data_type_idx
    ON trading.options_data (underlying_symbol, option_type, timestamp DESC);
CREATE INDEX IF NOT EXISTS options_data_iv_idx
    ON trading.options_data (underlying_symbol, implied_volatility) WHERE implied_volatility IS NOT NULL;
CREATE INDEX IF NOT EXISTS options_data_delta_idx
    ON trading.options_data (underlying_symbol, delta) WHERE delta IS NOT NULL;
CREATE INDEX IF NOT EXISTS options_data_traded_idx
    ON trading.options_data (underlying_symbol, timestamp DESC) WHERE volume > 0;
CREATE INDEX IF NOT EXISTS options_data_high_open_interest_idx
    ON trading.options_data (underlying_symbol, open_interest DESC) WHERE open_interest >= 1000;

-- signals: per symbol by time (the natural key has model_version second), high confidence, features.
CREATE INDEX IF NOT EXISTS signals_symbol_timestamp_idx
    ON trading.signals (symbol, timestamp DESC);
CREATE INDEX IF NOT EXISTS signals_high_confidence_idx
    ON trading.signals (timestamp DESC, symbol) WHERE confidence >= 0.8;
CREATE INDEX IF NOT EXISTS signals_features_gin_idx
    ON trading.signals USING GIN (features);

-- performance_metrics: per symbol by time, and tags.
CREATE INDEX IF NOT EXISTS performance_metrics_symbol_timestamp_idx
    ON trading.performance_metrics (symbol, timestamp DESC) WHERE symbol IS NOT NULL;
CREATE INDEX IF NOT EXISTS performance_metrics_tags_gin_idx
    ON trading.performance_metrics USING GIN (tags);

-- data_quality: per symbol by time, failing checks, details.
CREATE INDEX IF NOT EXISTS data_quality_symbol_timestamp_idx
    ON trading.data_quality (symbol, timestamp DESC) WHERE symbol IS NOT NULL;
CREATE INDEX IF NOT EXISTS data_quality_not_passed_idx
    ON trading.data_quality (status, timestamp DESC) WHERE status <> 'PASS';
CREATE INDEX IF NOT EXISTS data_quality_details_gin_idx
    ON trading.data_quality USING GIN (details);

-- system_events: by severity and time, details.
CREATE INDEX IF NOT EXISTS system_events_severity_timestamp_idx
    ON trading.system_events (severity, timestamp DESC);
CREATE INDEX IF NOT EXISTS system_events_details_gin_idx
    ON trading.system_events USING GIN (details);
CREATE INDEX IF NOT EXISTS system_events_critical_source_timestamp_idx
    ON trading.system_events_critical (source, timestamp DESC);

-- positions: an account's positions by status, and positions per symbol.
CREATE INDEX IF NOT EXISTS positions_account_status_idx
    ON trading.positions (account, status);
CREATE INDEX IF NOT EXISTS positions_symbol_idx
    ON trading.positions (symbol);
