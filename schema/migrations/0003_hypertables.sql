-- Hypertables with the configured chunk intervals (the spec's by default), and the natural keys
-- that make a replayed feed idempotent. Unique indexes on a hypertable must contain its time column.

SELECT create_hypertable('trading.stock_prices', 'timestamp',
    chunk_time_interval => current_setting('trading_timescale.chunk_interval_stock_prices')::interval, if_not_exists => TRUE);
SELECT create_hypertable('trading.options_data', 'timestamp',
    chunk_time_interval => current_setting('trading_timescale.chunk_interval_options_data')::interval, if_not_exists => TRUE);
SELECT create_hypertable('trading.signals', 'timestamp',
    chunk_time_interval => current_setting('trading_timescale.chunk_interval_signals')::interval, if_not_exists => TRUE);
SELECT create_hypertable('trading.performance_metrics', 'timestamp',
    chunk_time_interval => current_setting('trading_timescale.chunk_interval_performance_metrics')::interval, if_not_exists => TRUE);
SELECT create_hypertable('trading.data_quality', 'timestamp',
    chunk_time_interval => current_setting('trading_timescale.chunk_interval_data_quality')::interval, if_not_exists => TRUE);
SELECT create_hypertable('trading.system_events', 'timestamp',
    chunk_time_interval => current_setting('trading_timescale.chunk_interval_system_events')::interval, if_not_exists => TRUE);
SELECT create_hypertable('trading.system_events_critical', 'timestamp',
    chunk_time_interval => INTERVAL '30 days', if_not_exists => TRUE);

-- Natural keys. The (symbol, timestamp DESC) order also serves the spec's symbol lookups.
CREATE UNIQUE INDEX IF NOT EXISTS stock_prices_symbol_timestamp_key
    ON trading.stock_prices (symbol, timestamp DESC);
CREATE UNIQUE INDEX IF NOT EXISTS options_data_option_symbol_timestamp_key
    ON trading.options_data (option_symbol, timestamp DESC);
CREATE UNIQUE INDEX IF NOT EXISTS signals_natural_key
    ON trading.signals (symbol, model_version, timestamp DESC) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX IF NOT EXISTS performance_metrics_natural_key
    ON trading.performance_metrics (metric_name, strategy, model_version, symbol, period, timestamp DESC) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX IF NOT EXISTS data_quality_natural_key
    ON trading.data_quality (check_name, table_name, symbol, timestamp DESC) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX IF NOT EXISTS system_events_natural_key
    ON trading.system_events (source, event_type, timestamp DESC);
