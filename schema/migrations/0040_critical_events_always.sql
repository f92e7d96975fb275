-- CRITICAL events are copied into trading.system_events_critical by statement-level triggers on
-- the system_events hypertable itself (transition tables), replacing the row trigger of 0006:
-- - they are ENABLE ALWAYS, so rows written with session_replication_role = replica (logical
--   replication, some restores) are copied too;
-- - a statement trigger stays on the hypertable, so chunks created later need nothing (TimescaleDB
--   gives each new chunk an ordinary, non-ALWAYS copy of a row trigger).
-- The copy follows an UPDATE that leaves the row CRITICAL; it stays when the event is downgraded or
-- deleted. SECURITY DEFINER: a writer needs no privilege on the critical table for the copy.
CREATE OR REPLACE FUNCTION trading.copy_critical_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO trading.system_events_critical
        (id, event_type, severity, source, message, details, timestamp, created_at, updated_at)
    SELECT n.id, n.event_type, n.severity, n.source, n.message, n.details, n.timestamp, n.created_at, n.updated_at
    FROM new_rows AS n
    WHERE n.severity = 'CRITICAL'
    ON CONFLICT (id, timestamp) DO UPDATE SET
        event_type = EXCLUDED.event_type,
        source = EXCLUDED.source,
        message = EXCLUDED.message,
        details = EXCLUDED.details,
        created_at = EXCLUDED.created_at,
        updated_at = EXCLUDED.updated_at;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS system_events_copy_critical ON trading.system_events;
DROP FUNCTION IF EXISTS trading.copy_critical_event();

CREATE TRIGGER system_events_copy_critical_inserts
    AFTER INSERT ON trading.system_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION trading.copy_critical_events();
CREATE TRIGGER system_events_copy_critical_updates
    AFTER UPDATE ON trading.system_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION trading.copy_critical_events();

-- TimescaleDB before 2.27 refuses ALTER TABLE ... ENABLE TRIGGER on a hypertable. The setting
-- timescaledb.restoring (superuser only) lets the command reach PostgreSQL, which changes only the
-- hypertable's own triggers: these two. Without the privilege the triggers stay ordinary ones and
-- the retention sweep (trading.drop_old_chunks) still copies every CRITICAL event before a drop.
DO $$
DECLARE
    trigger_name TEXT;
BEGIN
    FOREACH trigger_name IN ARRAY ARRAY['system_events_copy_critical_inserts', 'system_events_copy_critical_updates'] LOOP
        BEGIN
            EXECUTE format('ALTER TABLE trading.system_events ENABLE ALWAYS TRIGGER %I', trigger_name);
        EXCEPTION WHEN feature_not_supported OR undefined_object OR object_not_in_prerequisite_state THEN
            BEGIN
                PERFORM set_config('timescaledb.restoring', 'on', true);
                EXECUTE format('ALTER TABLE trading.system_events ENABLE ALWAYS TRIGGER %I', trigger_name);
                PERFORM set_config('timescaledb.restoring', 'off', true);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE WARNING 'trigger % on trading.system_events could not be made ENABLE ALWAYS (TimescaleDB % needs a superuser for it): CRITICAL events written with session_replication_role = replica are copied only by the retention sweep',
                    trigger_name, (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb');
            END;
        END;
    END LOOP;
END
$$;

-- Events the old trigger missed (written under session_replication_role = replica).
INSERT INTO trading.system_events_critical
    (id, event_type, severity, source, message, details, timestamp, created_at, updated_at)
SELECT id, event_type, severity, source, message, details, timestamp, created_at, updated_at
FROM trading.system_events
WHERE severity = 'CRITICAL'
ON CONFLICT (id, timestamp) DO NOTHING;
