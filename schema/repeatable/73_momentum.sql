-- Momentum indicators: RSI and the stochastic oscillator (docs/indicators.md), on every edition.

-- Relative strength index, Wilder's smoothing seeded with the simple average of the first N gains
-- and losses; the first value is on bar N+1; 100 when the average loss is 0.
CREATE OR REPLACE FUNCTION trading.calculate_rsi(p_symbol TEXT, p_period INTEGER, p_interval TEXT,
                                                 p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, rsi DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    buckets TIMESTAMPTZ[];
    closes NUMERIC[];
    change DOUBLE PRECISION;
    gain DOUBLE PRECISION;
    loss DOUBLE PRECISION;
    avg_gain DOUBLE PRECISION := 0;
    avg_loss DOUBLE PRECISION := 0;
    first_output CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
BEGIN
    PERFORM trading.require_period('p_period', p_period);
    SELECT a.buckets, a.closes INTO buckets, closes
    FROM trading.indicator_bar_arrays(p_symbol, trading.parse_bar_interval(p_interval), p_from, p_to,
                                      p_period + trading.smoothing_warmup_bars(1.0 / p_period)) AS a;
    FOR seen IN 1 .. COALESCE(array_length(buckets, 1), 0) LOOP
        IF seen > 1 THEN
            change := (closes[seen] - closes[seen - 1])::DOUBLE PRECISION;
            gain := GREATEST(change, 0);
            loss := GREATEST(-change, 0);
            IF seen <= p_period + 1 THEN
                avg_gain := avg_gain + gain;
                avg_loss := avg_loss + loss;
                IF seen = p_period + 1 THEN
                    avg_gain := avg_gain / p_period;
                    avg_loss := avg_loss / p_period;
                END IF;
            ELSE
                avg_gain := (avg_gain * (p_period - 1) + gain) / p_period;
                avg_loss := (avg_loss * (p_period - 1) + loss) / p_period;
            END IF;
        END IF;
        IF buckets[seen] >= first_output THEN
            "timestamp" := buckets[seen];
            close_price := closes[seen];
            rsi := CASE WHEN seen <= p_period THEN NULL
                        WHEN avg_loss = 0 THEN 100
                        ELSE 100 - 100 / (1 + avg_gain / avg_loss) END;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
SELECT trading.pin_search_path('trading.calculate_rsi(text, integer, text, timestamptz, timestamptz)');

-- Fast stochastic oscillator: %K = 100 (close - lowest low) / (highest high - lowest low) over the
-- last p_k_period bars (0 when the highest high equals the lowest low, as TA-Lib and Skender do), first
-- on bar p_k_period; %D = simple average of the last p_d_period %K values, first on bar p_k_period + p_d_period - 1.
CREATE OR REPLACE FUNCTION trading.calculate_stochastic(p_symbol TEXT, p_k_period INTEGER, p_d_period INTEGER, p_interval TEXT,
                                                        p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, percent_k DOUBLE PRECISION, percent_d DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
BEGIN
    PERFORM trading.require_period('p_k_period', p_k_period);
    PERFORM trading.require_period('p_d_period', p_d_period);
    width := trading.parse_bar_interval(p_interval);
    RETURN QUERY
    SELECT s.bucket, s.close, s.k::DOUBLE PRECISION, s.d::DOUBLE PRECISION
    FROM (SELECT d.bucket, d.close, d.k,
                 CASE WHEN d.n >= p_k_period + p_d_period - 1
                      THEN avg(d.k) OVER (ORDER BY d.bucket ROWS BETWEEN p_d_period - 1 PRECEDING AND CURRENT ROW) END AS d
    FROM (SELECT w.bucket, w.close, w.n,
                 CASE WHEN w.n < p_k_period THEN NULL
                      WHEN w.highest = w.lowest THEN 0::NUMERIC
                      ELSE 100 * (w.close - w.lowest) / (w.highest - w.lowest) END AS k
          FROM (SELECT b.bucket, b.close, row_number() OVER bars AS n,
                       max(b.high) OVER (bars ROWS BETWEEN p_k_period - 1 PRECEDING AND CURRENT ROW) AS highest,
                       min(b.low) OVER (bars ROWS BETWEEN p_k_period - 1 PRECEDING AND CURRENT ROW) AS lowest
                FROM trading.indicator_bars(p_symbol, width, p_from, p_to, p_k_period + p_d_period - 2, TRUE) AS b
                WINDOW bars AS (ORDER BY b.bucket)) AS w) AS d) AS s
    WHERE s.bucket >= COALESCE(p_from, '-infinity')
    ORDER BY s.bucket;
END
$$;
SELECT trading.pin_search_path('trading.calculate_stochastic(text, integer, integer, text, timestamptz, timestamptz)');
