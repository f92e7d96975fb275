-- Retention policies on the raw hypertables, from the retention_* settings. Replaced on every run.
-- The continuous aggregates have none: they keep their history after the raw rows are dropped.
-- system_events has no built-in policy: the job of 55_system_events_retention drops its chunks
-- through trading.drop_old_chunks(), which copies every CRITICAL event into system_events_critical
-- first (the built-in policy would drop them unchecked).
DO $$
DECLARE
    hypertable TEXT;
BEGIN
    FOREACH hypertable IN ARRAY ARRAY['stock_prices', 'options_data', 'signals', 'performance_metrics',
                                      'data_quality', 'system_events', 'system_events_critical'] LOOP
        PERFORM remove_retention_policy(format('trading.%I', hypertable)::REGCLASS, if_exists => TRUE);
        CONTINUE WHEN hypertable = 'system_events';
        PERFORM add_retention_policy(format('trading.%I', hypertable)::REGCLASS,
            drop_after => current_setting('trading_timescale.retention_' || hypertable)::INTERVAL);
    END LOOP;
END
$$;
