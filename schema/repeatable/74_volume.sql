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
SELECT trading.pin_search_path('trading.calculate_vwap(text, text, timestamptz, timestamptz)');
