-- Live notifications (docs/live.md): after each statement that writes stock_prices, signals or system_events, one
-- notification on the channel trading_live, whatever tool wrote the rows (the library, psql \copy, any client).
-- The triggers are statement-level, so a COPY of a million rows sends one notification. They read a transition table
-- to notify only when the statement wrote a row, except for inserts into stock_prices: with an INSERT trigger that
-- has a transition table, TimescaleDB copies a COPY into a hypertable row by row instead of in batches
-- (docs/performance.md#live-subscriptions-live), so the append path notifies after every INSERT statement, even one
-- that wrote no row (the subscriber's read then finds nothing new).
-- The payload is a wake-up, not the data: the table and the operation, a few dozen bytes whatever the statement
-- wrote (PostgreSQL's limit is 8,000). Subscribers read what is new from their own position, so a lost
-- notification loses nothing.

-- With the argument 'every_statement' (the one trigger without a transition table) it notifies after every statement;
-- otherwise only after a statement that wrote a row.
CREATE OR REPLACE FUNCTION trading.live_notify()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_NARGS = 0 THEN
        -- Only whether the statement wrote a row: reading the first one is enough, whatever the statement's size.
        IF NOT EXISTS (SELECT FROM live_rows) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM pg_notify('trading_live', json_build_object('table', TG_TABLE_NAME, 'op', TG_OP)::text);
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS live_notify_insert ON trading.stock_prices;
CREATE TRIGGER live_notify_insert AFTER INSERT ON trading.stock_prices
    FOR EACH STATEMENT EXECUTE FUNCTION trading.live_notify('every_statement');
DROP FUNCTION IF EXISTS trading.live_notify_statement();
DROP TRIGGER IF EXISTS live_notify_update ON trading.stock_prices;
CREATE TRIGGER live_notify_update AFTER UPDATE ON trading.stock_prices
    REFERENCING NEW TABLE AS live_rows FOR EACH STATEMENT EXECUTE FUNCTION trading.live_notify();

DROP TRIGGER IF EXISTS live_notify_insert ON trading.signals;
CREATE TRIGGER live_notify_insert AFTER INSERT ON trading.signals
    REFERENCING NEW TABLE AS live_rows FOR EACH STATEMENT EXECUTE FUNCTION trading.live_notify();
DROP TRIGGER IF EXISTS live_notify_update ON trading.signals;
CREATE TRIGGER live_notify_update AFTER UPDATE ON trading.signals
    REFERENCING NEW TABLE AS live_rows FOR EACH STATEMENT EXECUTE FUNCTION trading.live_notify();

DROP TRIGGER IF EXISTS live_notify_insert ON trading.system_events;
CREATE TRIGGER live_notify_insert AFTER INSERT ON trading.system_events
    REFERENCING NEW TABLE AS live_rows FOR EACH STATEMENT EXECUTE FUNCTION trading.live_notify();
