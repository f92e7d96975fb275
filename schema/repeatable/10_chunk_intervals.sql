-- Applies the chunk_interval_* settings. A new interval applies to chunks created from now on;
-- existing chunks keep theirs.
SELECT set_chunk_time_interval('trading.stock_prices',
    current_setting('trading_timescale.chunk_interval_stock_prices')::INTERVAL);
SELECT set_chunk_time_interval('trading.options_data',
    current_setting('trading_timescale.chunk_interval_options_data')::INTERVAL);
SELECT set_chunk_time_interval('trading.signals',
    current_setting('trading_timescale.chunk_interval_signals')::INTERVAL);
SELECT set_chunk_time_interval('trading.performance_metrics',
    current_setting('trading_timescale.chunk_interval_performance_metrics')::INTERVAL);
SELECT set_chunk_time_interval('trading.data_quality',
    current_setting('trading_timescale.chunk_interval_data_quality')::INTERVAL);
SELECT set_chunk_time_interval('trading.system_events',
    current_setting('trading_timescale.chunk_interval_system_events')::INTERVAL);
