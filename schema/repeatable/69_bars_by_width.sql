-- Bars. Generated from Trading.Timescale.Queries.Internal.BarDefinition, the one definition of a bar that the C# bar
-- builder and the live bar subscriptions use too: edit it there, then regenerate this file by running its tests
-- (BarDefinitionTests) with TRADING_TIMESCALE_APPROVE=1.

-- The aggregate holding bars of a width (a continuous aggregate on the community edition, a view on the apache
-- edition), or NULL: bars of other widths are bucketed from trading.stock_prices.
CREATE OR REPLACE FUNCTION trading.bar_aggregate(p_width INTERVAL)
RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_width
    WHEN INTERVAL '1 minute' THEN 'stock_prices_1m'
    WHEN INTERVAL '5 minutes' THEN 'stock_prices_5m'
    WHEN INTERVAL '1 hour' THEN 'stock_prices_1h'
    WHEN INTERVAL '1 day' THEN 'stock_prices_1d'
    END;
SELECT trading.pin_search_path('trading.bar_aggregate(INTERVAL)');

-- OHLCV bars of one symbol with bucket start in [p_from, p_to) (NULL: open), ordered by bucket. Widths with an
-- aggregate read it; any other width buckets the raw rows, a day or more in the exchange's time zone.
CREATE OR REPLACE FUNCTION trading.bars_by_width(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
RETURNS TABLE (bucket TIMESTAMPTZ, symbol TEXT, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT, vwap NUMERIC)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lower_bound CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
    upper_bound CONSTANT TIMESTAMPTZ := COALESCE(p_to, 'infinity');
BEGIN
    IF p_width = INTERVAL '1 minute' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_1m AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width = INTERVAL '5 minutes' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_5m AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width = INTERVAL '1 hour' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_1h AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width = INTERVAL '1 day' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_1d AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width >= INTERVAL '1 day' THEN
        RETURN QUERY SELECT b.* FROM (
            SELECT time_bucket(p_width, s."timestamp", (SELECT trading.exchange_time_zone())) AS "bucket", s."symbol"::TEXT AS "symbol",
                   first(s."open_price", s."timestamp") AS "open", max(s."high_price") AS "high", min(s."low_price") AS "low", last(s."close_price", s."timestamp") AS "close",
                   sum(s."volume")::BIGINT AS "volume",
                   sum(s."vwap" * s."volume") FILTER (WHERE s."vwap" IS NOT NULL) / NULLIF(sum(s."volume") FILTER (WHERE s."vwap" IS NOT NULL), 0) AS "vwap"
            FROM trading.stock_prices AS s
            WHERE s."symbol" = p_symbol AND s."timestamp" >= lower_bound AND s."timestamp" < upper_bound + p_width + INTERVAL '1 day'
            GROUP BY 1, 2) AS b
        WHERE b."bucket" >= lower_bound AND b."bucket" < upper_bound ORDER BY b."bucket";
    ELSE
        RETURN QUERY SELECT b.* FROM (
            SELECT time_bucket(p_width, s."timestamp") AS "bucket", s."symbol"::TEXT AS "symbol",
                   first(s."open_price", s."timestamp") AS "open", max(s."high_price") AS "high", min(s."low_price") AS "low", last(s."close_price", s."timestamp") AS "close",
                   sum(s."volume")::BIGINT AS "volume",
                   sum(s."vwap" * s."volume") FILTER (WHERE s."vwap" IS NOT NULL) / NULLIF(sum(s."volume") FILTER (WHERE s."vwap" IS NOT NULL), 0) AS "vwap"
            FROM trading.stock_prices AS s
            WHERE s."symbol" = p_symbol AND s."timestamp" >= lower_bound AND s."timestamp" < upper_bound + p_width + INTERVAL '1 day'
            GROUP BY 1, 2) AS b
        WHERE b."bucket" >= lower_bound AND b."bucket" < upper_bound ORDER BY b."bucket";
    END IF;
END
$$;

-- Fixed search_path (time_bucket, first and last live in the timescaledb extension's schema) and generic plans: the
-- time bounds exclude chunks at executor start-up without planning the hypertable again on every call.
SELECT trading.pin_search_path('trading.bars_by_width(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ)');
ALTER FUNCTION trading.bars_by_width(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ) SET plan_cache_mode = force_generic_plan;
