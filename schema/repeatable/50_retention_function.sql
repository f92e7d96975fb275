-- trading.drop_old_chunks(raw_table): drops the chunks of one raw hypertable that are older than
-- its retention_* setting (read from trading.settings, so it works from any session and from a
-- job) and returns how many it dropped. Before system_events chunks go, their CRITICAL events are
-- copied into system_events_critical (the triggers of 0040 already did, unless they were bypassed).
CREATE OR REPLACE FUNCTION trading.drop_old_chunks(raw_table TEXT)
RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    keep INTERVAL;
    cutoff TIMESTAMPTZ;
    dropped INTEGER;
BEGIN
    IF raw_table IS NULL OR raw_table <> ALL (ARRAY['stock_prices', 'options_data', 'signals', 'performance_metrics',
                                                    'data_quality', 'system_events', 'system_events_critical']) THEN
        RAISE EXCEPTION 'trading.drop_old_chunks: % is not a raw hypertable of the trading schema', coalesce(raw_table, 'NULL')
            USING ERRCODE = '22023';
    END IF;

    SELECT s.value::INTERVAL INTO keep FROM trading.settings AS s WHERE s.name = 'retention_' || raw_table;
    IF keep IS NULL THEN
        RAISE EXCEPTION 'trading.settings has no value for retention_%', raw_table
            USING ERRCODE = '22023', HINT = 'Run the schema migration, which stores the settings.';
    END IF;
    cutoff := NOW() - keep;

    IF raw_table = 'system_events' THEN
        INSERT INTO trading.system_events_critical AS c
            (id, event_type, severity, source, message, details, timestamp, created_at, updated_at)
        SELECT e.id, e.event_type, e.severity, e.source, e.message, e.details, e.timestamp, e.created_at, e.updated_at
        FROM trading.system_events AS e
        WHERE e.severity = 'CRITICAL' AND e.timestamp < cutoff
        ON CONFLICT (id, timestamp) DO NOTHING;
    END IF;

    SELECT count(*)::INTEGER INTO dropped
    FROM drop_chunks(format('trading.%I', raw_table)::REGCLASS, older_than => cutoff);
    RETURN dropped;
END
$$;

-- trading.apply_retention(): trading.drop_old_chunks() for every raw hypertable; returns how many
-- chunks it dropped per hypertable. The apache edition has no retention policies, so the library
-- calls it from its maintenance API; on the community edition it does what the policies do.
CREATE OR REPLACE FUNCTION trading.apply_retention()
RETURNS TABLE (hypertable TEXT, dropped_chunks INTEGER)
LANGUAGE plpgsql AS $$
DECLARE
    raw_table TEXT;
BEGIN
    FOREACH raw_table IN ARRAY ARRAY['stock_prices', 'options_data', 'signals', 'performance_metrics',
                                     'data_quality', 'system_events', 'system_events_critical'] LOOP
        hypertable := 'trading.' || raw_table;
        dropped_chunks := trading.drop_old_chunks(raw_table);
        RETURN NEXT;
    END LOOP;
END
$$;

-- Both run inside the system_events retention job and from the maintenance API.
SELECT trading.pin_search_path('trading.drop_old_chunks(text)', 'trading.apply_retention()');
