-- What every indicator reads (docs/indicators.md), on every edition.
-- Indicators follow TA-Lib / Skender.Stock.Indicators: NULL during warm-up; windowed indicators are
-- computed in numeric, recursive ones (RSI, EMA, MACD, ATR) in double precision.
-- With p_from, a call reads warm-up bars before p_from: exactly the window for windowed indicators;
-- for recursive ones enough bars that the seed's weight is below 1e-12 (or all history when shorter).

-- The bars an indicator reads, as parallel arrays in bucket order: with p_from, at least p_warmup_bars bars
-- before p_from (all earlier bars when there are fewer), then the bars up to p_to; without p_from, all bars
-- before p_to. Bars without a close (or, with p_need_range, without a high or low) are left out. One read in
-- the usual case: the look-back starts at the warm-up's length and grows by the bar density it found until it
-- is enough. highs and lows are NULL unless p_need_range. A recursive indicator loops over the arrays (PL/pgSQL
-- keeps them expanded: O(1) per element).
CREATE OR REPLACE FUNCTION trading.indicator_bar_arrays(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                                        p_warmup_bars INTEGER, p_need_range BOOLEAN DEFAULT FALSE,
                                                        OUT buckets TIMESTAMPTZ[], OUT highs NUMERIC[], OUT lows NUMERIC[],
                                                        OUT closes NUMERIC[], OUT volumes BIGINT[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lookback INTERVAL := p_width * ((GREATEST(p_warmup_bars, 0) + 1) * 1.25);
    earlier INTEGER;
BEGIN
    IF p_from IS NULL OR NOT isfinite(p_from) OR p_warmup_bars <= 0 THEN
        SELECT array_agg(b.bucket), array_agg(b.high) FILTER (WHERE p_need_range), array_agg(b.low) FILTER (WHERE p_need_range),
               array_agg(b.close), array_agg(b.volume)
        INTO buckets, highs, lows, closes, volumes
        FROM (SELECT f.* FROM trading.bars_by_width(p_symbol, p_width, CASE WHEN p_warmup_bars <= 0 THEN p_from END, p_to) AS f
              WHERE f.close IS NOT NULL AND (NOT p_need_range OR (f.high IS NOT NULL AND f.low IS NOT NULL))
              ORDER BY f.bucket) AS b;
        RETURN;
    END IF;
    LOOP
        SELECT array_agg(b.bucket), array_agg(b.high) FILTER (WHERE p_need_range), array_agg(b.low) FILTER (WHERE p_need_range),
               array_agg(b.close), array_agg(b.volume), count(*) FILTER (WHERE b.bucket < p_from)
        INTO buckets, highs, lows, closes, volumes, earlier
        FROM (SELECT f.* FROM trading.bars_by_width(p_symbol, p_width, p_from - lookback, p_to) AS f
              WHERE f.close IS NOT NULL AND (NOT p_need_range OR (f.high IS NOT NULL AND f.low IS NOT NULL))
              ORDER BY f.bucket) AS b;
        EXIT WHEN earlier >= p_warmup_bars OR NOT trading.bars_exist_before(p_symbol, p_width, p_from - lookback);
        lookback := lookback * LEAST(8, GREATEST(2, CASE WHEN earlier > 0 THEN 1.25 * p_warmup_bars / earlier ELSE 4 END));
    END LOOP;
END
$$;
SELECT trading.pin_search_path('trading.indicator_bar_arrays(text, interval, timestamptz, timestamptz, integer, boolean)');

-- The same bars as rows, ordered by bucket (high and low NULL unless p_need_range).
CREATE OR REPLACE FUNCTION trading.indicator_bars(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                                  p_warmup_bars INTEGER, p_need_range BOOLEAN DEFAULT FALSE)
RETURNS TABLE (bucket TIMESTAMPTZ, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT u.bucket, u.high, u.low, u.close, u.volume
        FROM trading.indicator_bar_arrays(p_symbol, p_width, p_from, p_to, p_warmup_bars, p_need_range) AS a
        CROSS JOIN LATERAL unnest(a.buckets, COALESCE(a.highs, '{}'), COALESCE(a.lows, '{}'), a.closes, a.volumes) WITH ORDINALITY AS u(bucket, high, low, close, volume, n)
        ORDER BY u.n;
END
$$;
SELECT trading.pin_search_path('trading.indicator_bars(text, interval, timestamptz, timestamptz, integer, boolean)');

-- Bars after which the seed of an exponential smoothing with factor p_alpha weighs less than 1e-12.
CREATE OR REPLACE FUNCTION trading.smoothing_warmup_bars(p_alpha DOUBLE PRECISION)
RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_alpha >= 1 THEN 0 ELSE ceil(ln(1e-12) / ln(1 - p_alpha))::INTEGER END
$$;
SELECT trading.pin_search_path('trading.smoothing_warmup_bars(double precision)');

-- Raises the error for a period that is NULL or not positive, naming the argument.
CREATE OR REPLACE FUNCTION trading.require_period(p_name TEXT, p_value INTEGER)
RETURNS VOID
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_value IS NULL OR p_value <= 0 THEN
        RAISE EXCEPTION '% must be > 0, got %', p_name, COALESCE(p_value::TEXT, 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass a period of at least 1 bar, such as 14.';
    END IF;
    IF p_value > 100000 THEN
        RAISE EXCEPTION '% must be at most 100000 bars, got %', p_name, p_value USING ERRCODE = '22023';
    END IF;
END
$$;
SELECT trading.pin_search_path('trading.require_period(text, integer)');
