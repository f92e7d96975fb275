-- A kept CRITICAL event is never changed after it is copied: the first version stays.
-- - The copy triggers of 0040 insert with ON CONFLICT DO NOTHING, so neither an UPDATE of the source row nor a new
--   row with the same id and timestamp (after the source row was dropped by retention) reaches the kept copy.
-- - An UPDATE of trading.system_events_critical is refused by a statement trigger, whoever runs it. The application
--   role has only SELECT on the table (`roles apply`); retention removes whole chunks, which no trigger sees.
CREATE OR REPLACE FUNCTION trading.copy_critical_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO trading.system_events_critical
        (id, event_type, severity, source, message, details, timestamp, created_at, updated_at)
    SELECT n.id, n.event_type, n.severity, n.source, n.message, n.details, n.timestamp, n.created_at, n.updated_at
    FROM new_rows AS n
    WHERE n.severity = 'CRITICAL'
    ON CONFLICT (id, timestamp) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION trading.refuse_critical_event_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'trading.system_events_critical is the record of CRITICAL events: a kept event is never updated'
        USING ERRCODE = '42501',
              HINT = 'Write a new event to trading.system_events instead; a CRITICAL one is copied here as a new row.';
END
$$;

DROP TRIGGER IF EXISTS system_events_critical_refuse_update ON trading.system_events_critical;
CREATE TRIGGER system_events_critical_refuse_update
    BEFORE UPDATE ON trading.system_events_critical
    FOR EACH STATEMENT EXECUTE FUNCTION trading.refuse_critical_event_update();

-- trading.pin_search_path(routines): fixes each routine's search_path to pg_catalog, the timescaledb extension's
-- schema, then pg_temp, so no object another role creates earlier on the caller's search_path is used in its place.
-- The repeatable scripts call it for every routine that runs with its owner's rights or as a job.
CREATE OR REPLACE FUNCTION trading.pin_search_path(VARIADIC routines REGPROCEDURE[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    extension_schema TEXT;
    routine REGPROCEDURE;
BEGIN
    SELECT n.nspname INTO extension_schema
    FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'timescaledb';
    FOREACH routine IN ARRAY routines LOOP
        EXECUTE format('ALTER ROUTINE %s SET search_path = %s', routine, concat_ws(', ', 'pg_catalog', quote_ident(extension_schema), 'pg_temp'));
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION trading.pin_search_path(REGPROCEDURE[]) FROM PUBLIC;
