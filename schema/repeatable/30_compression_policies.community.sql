-- Compression policies: chunks older than compress_after are compressed. Replaced on every run.
DO $$
DECLARE
    hypertable TEXT;
BEGIN
    FOREACH hypertable IN ARRAY ARRAY['stock_prices', 'options_data', 'signals', 'performance_metrics',
                                      'data_quality', 'system_events', 'system_events_critical'] LOOP
        PERFORM remove_compression_policy(format('trading.%I', hypertable)::REGCLASS, if_exists => TRUE);
        PERFORM add_compression_policy(format('trading.%I', hypertable)::REGCLASS,
            compress_after => current_setting('trading_timescale.compress_after')::INTERVAL);
    END LOOP;
END
$$;
