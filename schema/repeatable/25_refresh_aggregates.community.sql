-- trading.refresh_aggregates(window_start, window_end, aggregates): refreshes the continuous aggregates (all, or
-- those named) over every bucket the window touches (NULL: from the oldest or to the newest raw row; day buckets
-- follow the exchange's days), each level after the one it reads, and reports each one done as an INFO message; then
-- the screen state of the widths refreshed before (trading.refresh_screen_state()).
-- Call it outside a transaction block:
--   CALL trading.refresh_aggregates(NULL, NULL);
-- A level refreshed while the level it reads lags re-aggregates, in every refresh step, every raw row above the
-- lower level's watermark (docs/performance.md, "Continuous aggregate refresh"). So the levels that others read
-- (stock_prices_1m, stock_prices_5m, stock_prices_1h) are refreshed from window_start up to the newest raw row
-- whatever window_end says; that covers only what is invalidated or not yet materialized.
CREATE OR REPLACE PROCEDURE trading.refresh_aggregates(
    window_start TIMESTAMPTZ DEFAULT NULL,
    window_end TIMESTAMPTZ DEFAULT NULL,
    aggregates TEXT[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    aggregate TEXT;
    width INTERVAL;
    zone TEXT;
    bucket_start TIMESTAMPTZ;
    bucket_end TIMESTAMPTZ;
    started TIMESTAMPTZ;
BEGIN
    IF aggregates IS NOT NULL AND EXISTS (
        SELECT FROM unnest(aggregates) AS a(name)
        WHERE a.name IS NULL OR a.name <> ALL (ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d',
                                                     'options_volume_1h', 'signal_performance_1d'])) THEN
        RAISE EXCEPTION 'trading.refresh_aggregates: aggregates holds %, which names no aggregate of the trading schema', aggregates
            USING ERRCODE = '22023',
                  HINT = 'Name aggregates among stock_prices_1m, stock_prices_5m, stock_prices_1h, stock_prices_1d, options_volume_1h and signal_performance_1d, or pass NULL for all.';
    END IF;
    IF window_start >= window_end THEN
        RAISE EXCEPTION 'trading.refresh_aggregates: window_start % is not before window_end %', window_start, window_end
            USING ERRCODE = '22023';
    END IF;

    SELECT s.value INTO zone FROM trading.settings AS s WHERE s.name = 'exchange_time_zone';
    FOREACH aggregate IN ARRAY ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d',
                                     'options_volume_1h', 'signal_performance_1d'] LOOP
        CONTINUE WHEN aggregates IS NOT NULL AND aggregate <> ALL (aggregates);
        width := CASE aggregate WHEN 'stock_prices_1m' THEN INTERVAL '1 minute' WHEN 'stock_prices_5m' THEN INTERVAL '5 minutes'
                                WHEN 'stock_prices_1h' THEN INTERVAL '1 hour' WHEN 'options_volume_1h' THEN INTERVAL '1 hour'
                                ELSE INTERVAL '1 day' END;
        IF width = INTERVAL '1 day' THEN
            bucket_start := time_bucket(width, window_start, zone);
            -- The next exchange day starts 23 to 25 hours later.
            bucket_end := time_bucket(width, time_bucket(width, window_end - INTERVAL '1 microsecond', zone) + INTERVAL '26 hours', zone);
        ELSE
            bucket_start := time_bucket(width, window_start);
            bucket_end := time_bucket(width, window_end - INTERVAL '1 microsecond') + width;
        END IF;
        IF aggregate IN ('stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h') THEN
            bucket_end := NULL;
        END IF;
        started := clock_timestamp();
        CALL refresh_continuous_aggregate(format('trading.%I', aggregate)::REGCLASS, bucket_start, bucket_end);
        RAISE INFO 'trading.refresh_aggregates: % refreshed in % s', aggregate,
            round(EXTRACT(EPOCH FROM clock_timestamp() - started)::NUMERIC, 1);
        -- A new transaction before the next level: TimescaleDB 2.23 otherwise misses, in the level above, the
        -- invalidations this refresh just logged.
        COMMIT;
    END LOOP;
    -- The screen state of the widths refreshed before (76_screen_state.sql), from the levels just refreshed.
    IF (aggregates IS NULL OR aggregates && ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d'])
       AND EXISTS (SELECT FROM trading.screen_state_widths) THEN
        CALL trading.refresh_screen_state();
    END IF;
END
$$;
