-- Native compression (community edition). Each hypertable is segmented by the column its queries
-- filter on, and ordered newest first. options_data is segmented by underlying (a contract quoted
-- a few times a day would make tiny batches) and ordered by contract then time, so a chain lookup
-- reads one segment and a contract lookup skips batches by their min/max option_symbol.
-- The compression policies (age: compress_after) are in repeatable/30_compression_policies.community.sql.
ALTER TABLE trading.stock_prices SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'symbol', timescaledb.compress_orderby = 'timestamp DESC');
ALTER TABLE trading.options_data SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'underlying_symbol', timescaledb.compress_orderby = 'option_symbol, timestamp DESC');
ALTER TABLE trading.signals SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'symbol', timescaledb.compress_orderby = 'timestamp DESC');
ALTER TABLE trading.performance_metrics SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'metric_name', timescaledb.compress_orderby = 'timestamp DESC');
ALTER TABLE trading.data_quality SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'check_name', timescaledb.compress_orderby = 'timestamp DESC');
ALTER TABLE trading.system_events SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'source', timescaledb.compress_orderby = 'timestamp DESC');
ALTER TABLE trading.system_events_critical SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'source', timescaledb.compress_orderby = 'timestamp DESC');
