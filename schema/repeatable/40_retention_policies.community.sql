-- Retention policies on the raw hypertables, from the retention_* settings. Replaced on every run.
-- The continuous aggregates have none: they keep their history after the raw rows are dropped.
-- CRITICAL events survive system_events retention in system_events_critical (see 0006).
DO $$
DECLARE
    hypertable TEXT;
BEGIN
    FOREACH hypertable IN ARRAY ARRAY['stock_prices', 'options_data', 'signals', 'performance_metrics',
                                      'data_quality', 'system_events', 'system_events_critical'] LOOP
        PERFORM remove_retention_policy(format('trading.%I', hypertable)::REGCLASS, if_exists => TRUE);
        PERFORM add_retention_policy(format('trading.%I', hypertable)::REGCLASS,
            drop_after => current_setting('trading_timescale.retention_' || hypertable)::INTERVAL);
    END LOOP;
END
$$;
