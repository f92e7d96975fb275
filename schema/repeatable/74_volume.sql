-- Volume indicators: VWAP (docs/indicators.md), on every edition.

-- Volume-weighted average price, cumulative over each exchange session day (the calendar day of the
-- bar's start in the exchange time zone): sum(typical price x volume) / sum(volume) over the day's bars
-- so far, typical price = (high + low + close) / 3; NULL while the day's volume is 0.
CREATE OR REPLACE FUNCTION trading.calculate_vwap(p_symbol TEXT, p_interval TEXT,
                                                  p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, volume BIGINT, vwap DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
    zone TEXT;
BEGIN
    width := trading.parse_bar_interval(p_interval);
    zone := trading.exchange_time_zone();
    RETURN QUERY
    SELECT w.bucket, w.close, w.volume, (w.price_volume / NULLIF(3 * w.day_volume, 0))::DOUBLE PRECISION
    FROM (SELECT b.bucket, b.close, b.volume,
                 sum((b.high + b.low + b.close) * COALESCE(b.volume, 0)) OVER session AS price_volume,
                 sum(COALESCE(b.volume, 0)) OVER session AS day_volume
          FROM trading.bars_by_width(p_symbol, width,
                   CASE WHEN p_from IS NOT NULL AND isfinite(p_from) THEN time_bucket(INTERVAL '1 day', p_from, zone) END, p_to) AS b
          WHERE b.close IS NOT NULL AND b.high IS NOT NULL AND b.low IS NOT NULL
          WINDOW session AS (PARTITION BY time_bucket(INTERVAL '1 day', b.bucket, zone) ORDER BY b.bucket
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS w
    WHERE w.bucket >= COALESCE(p_from, '-infinity')
    ORDER BY w.bucket;
END
$$;

-- A fixed search_path: pg_catalog, then the schema of the timescaledb extension (time_bucket, first, last).
DO $$
DECLARE
    extension_schema TEXT;
    routine REGPROCEDURE;
BEGIN
    SELECT n.nspname INTO extension_schema
    FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'timescaledb';
    FOR routine IN
        SELECT p.oid::REGPROCEDURE FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'trading'::REGNAMESPACE
          AND p.proname IN ('parse_bar_interval', 'exchange_time_zone', 'bars_by_width', 'bars', 'bars_exist_before',
                            'indicator_bar_arrays', 'indicator_bars', 'smoothing_warmup_bars', 'require_period', 'calculate_rsi',
                            'calculate_ema', 'calculate_macd', 'calculate_atr', 'calculate_moving_average',
                            'calculate_bollinger_bands', 'calculate_stochastic', 'calculate_vwap')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', routine, extension_schema);
    END LOOP;
    -- Generic plans: the time bounds exclude chunks at executor start-up, without planning the
    -- hypertable (or continuous aggregate) again on every call.
    ALTER FUNCTION trading.bars_by_width(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ) SET plan_cache_mode = force_generic_plan;
END
$$;
