-- The retention job of system_events: trading.drop_old_chunks('system_events') once a day, so every
-- CRITICAL event is copied into system_events_critical before its chunk is dropped. Replaced on
-- every run; CALL run_job(id) runs it at once.
CREATE OR REPLACE PROCEDURE trading.system_events_retention(job_id INTEGER, config JSONB)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM trading.drop_old_chunks('system_events');
END
$$;

SELECT delete_job(j.job_id)
FROM timescaledb_information.jobs AS j
WHERE j.proc_schema = 'trading' AND j.proc_name = 'system_events_retention';

SELECT add_job('trading.system_events_retention', schedule_interval => INTERVAL '1 day');

SELECT trading.pin_search_path('trading.system_events_retention(integer, jsonb)');
