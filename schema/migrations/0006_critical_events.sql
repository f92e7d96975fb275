-- Every CRITICAL system event is copied into trading.system_events_critical (kept 2 years) as it is
-- written: on INSERT and COPY, and on an UPDATE that leaves the row CRITICAL (the copy follows the
-- row). Retention may then drop system_events chunks (3 months) without losing a CRITICAL event.
-- A copy stays when its event is later downgraded or deleted: the critical table is the record.
-- SECURITY DEFINER: a writer needs no privilege on the critical table for the copy to happen.
CREATE OR REPLACE FUNCTION trading.copy_critical_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO trading.system_events_critical
        (id, event_type, severity, source, message, details, timestamp, created_at, updated_at)
    VALUES
        (NEW.id, NEW.event_type, NEW.severity, NEW.source, NEW.message, NEW.details, NEW.timestamp,
         NEW.created_at, NEW.updated_at)
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
CREATE TRIGGER system_events_copy_critical
    AFTER INSERT OR UPDATE ON trading.system_events
    FOR EACH ROW WHEN (NEW.severity = 'CRITICAL')
    EXECUTE FUNCTION trading.copy_critical_event();

-- Events written before the trigger existed.
INSERT INTO trading.system_events_critical
    (id, event_type, severity, source, message, details, timestamp, created_at, updated_at)
SELECT id, event_type, severity, source, message, details, timestamp, created_at, updated_at
FROM trading.system_events
WHERE severity = 'CRITICAL'
ON CONFLICT (id, timestamp) DO NOTHING;
