-- trading.retention_plan(): what trading.apply_retention() would drop now, dropping nothing. For each raw
-- hypertable, the chunks entirely older than NOW() minus its retention_* setting (read from trading.settings,
-- like apply_retention). NOW() is the start of the transaction, so called in the same transaction before
-- apply_retention() it names exactly the chunks that call drops. The maintenance dry run lists these.
CREATE OR REPLACE FUNCTION trading.retention_plan()
RETURNS TABLE (hypertable TEXT, chunk TEXT, range_start TIMESTAMPTZ, range_end TIMESTAMPTZ, cutoff TIMESTAMPTZ)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    raw_table TEXT;
    keep INTERVAL;
BEGIN
    FOREACH raw_table IN ARRAY ARRAY['stock_prices', 'options_data', 'signals', 'performance_metrics',
                                     'data_quality', 'system_events', 'system_events_critical'] LOOP
        SELECT s.value::INTERVAL INTO keep FROM trading.settings AS s WHERE s.name = 'retention_' || raw_table;
        IF keep IS NULL THEN
            RAISE EXCEPTION 'trading.settings has no value for retention_%', raw_table
                USING ERRCODE = '22023', HINT = 'Run the schema migration, which stores the settings.';
        END IF;
        RETURN QUERY
        SELECT 'trading.' || raw_table, format('%I.%I', c.chunk_schema, c.chunk_name), c.range_start, c.range_end, NOW() - keep
        FROM show_chunks(format('trading.%I', raw_table)::REGCLASS, older_than => NOW() - keep) AS old(chunk_id)
        JOIN timescaledb_information.chunks AS c
          ON c.hypertable_schema = 'trading' AND c.hypertable_name = raw_table
         AND format('%I.%I', c.chunk_schema, c.chunk_name)::REGCLASS = old.chunk_id
        ORDER BY c.range_start;
    END LOOP;
END
$$;

SELECT trading.pin_search_path('trading.retention_plan()');
