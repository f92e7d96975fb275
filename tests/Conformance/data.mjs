// Sample data, relative to now() where the spec's queries look back from now, and fixed around the
// New York daylight-saving change of 2024-03-10 where exact aggregate values are asserted.
export const sampleData = `
-- Fixed bars: 2024-03-11 03:30 UTC is 2024-03-10 23:30 in New York (EDT began that day), 04:30 UTC is 00:30 on 03-11.
INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap) VALUES
    ('NYD', '2024-03-11 03:30:00+00', 10, 11, 9, 10.5, 100, 10.2),
    ('NYD', '2024-03-11 03:30:30+00', 10.5, 12, 10, 11, 300, 11.0),
    ('NYD', '2024-03-11 04:30:00+00', 20, 21, 19, 20.5, 50, 20.0),
    ('NYD', '2024-03-11 04:31:00+00', 20.5, 22, 20, 21, 150, NULL);

-- Recent minute bars of three symbols over the last 23 hours.
INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
SELECT s.symbol, t, price.p, price.p + 1, price.p - 1, price.p + 0.5,
       1000 + (EXTRACT(EPOCH FROM t)::BIGINT / 60) % 500, price.p + 0.25
FROM (VALUES ('AAPL', 190.0), ('MSFT', 410.0), ('SPY', 520.0)) AS s(symbol, base)
CROSS JOIN generate_series(date_trunc('minute', NOW()) - INTERVAL '23 hours',
                           date_trunc('minute', NOW()) - INTERVAL '1 minute', INTERVAL '1 minute') AS t
CROSS JOIN LATERAL (SELECT round(s.base + (EXTRACT(EPOCH FROM t)::BIGINT / 60 % 97) / 10.0, 4) AS p) AS price;

-- Older bars, 2 hours every 10 minutes on four days: 100 and 95 days old (past the 90-day
-- retention), 10 and 9 days old (past the 7-day compression age).
INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
SELECT 'AAPL', date_trunc('day', NOW() - d * INTERVAL '1 day') + INTERVAL '14 hours' + m * INTERVAL '10 minutes',
       180, 181, 179, 180.5, 5000, 180.25
FROM unnest(ARRAY[100, 95, 10, 9]) AS d CROSS JOIN generate_series(0, 11) AS m;

-- Options: an AAPL chain expiring in 3 days quoted 30 minutes and 2 hours ago, a far expiry, MSFT puts only,
-- and a 70-day-old quote (past the 60-day retention).
INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type,
                                  bid_price, ask_price, last_price, volume, open_interest, implied_volatility, delta)
SELECT 'AAPL', format('AAPL%s%s%s', to_char(CURRENT_DATE + 3, 'YYMMDD'), left(o.option_type, 1), o.strike),
       date_trunc('minute', NOW()) - q.age, CURRENT_DATE + 3, o.strike, o.option_type,
       o.price - 0.05, o.price + 0.05, o.price, o.volume / q.divisor, 1500, o.iv, o.delta
FROM (VALUES (180, 'CALL', 11.2, 100, 0.25, 0.80), (190, 'CALL', 3.4, 200, 0.22, 0.45),
             (180, 'PUT', 1.1, 150, 0.27, -0.20), (190, 'PUT', 4.9, 250, 0.24, -0.55))
     AS o(strike, option_type, price, volume, iv, delta)
CROSS JOIN (VALUES (INTERVAL '30 minutes', 1), (INTERVAL '2 hours', 10)) AS q(age, divisor);
INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type,
                                  last_price, volume, open_interest, implied_volatility, delta) VALUES
    ('AAPL', 'AAPL-FAR-C200', date_trunc('minute', NOW()) - INTERVAL '30 minutes', CURRENT_DATE + 30, 200, 'CALL', 2.5, 50, 800, 0.30, 0.20),
    ('MSFT', 'MSFT-P400', date_trunc('minute', NOW()) - INTERVAL '30 minutes', CURRENT_DATE + 3, 400, 'PUT', 3.0, 70, 200, 0.21, -0.40),
    ('AAPL', 'AAPL-OLD-C150', date_trunc('day', NOW() - INTERVAL '70 days') + INTERVAL '15 hours', CURRENT_DATE, 150, 'CALL', 40, 10, 100, 0.20, 0.99);

-- Signals: recent, around the New York day change, and 400 days old (past the 1-year retention).
INSERT INTO trading.signals (symbol, signal_type, confidence, target_price, reasoning, features, timestamp) VALUES
    ('AAPL', 'BUY', 0.90, 200, 'breakout', '{"rsi": 70, "trend": "up"}', NOW() - INTERVAL '1 hour'),
    ('AAPL', 'SELL', 0.85, 185, 'reversal', '{"rsi": 80}', NOW() - INTERVAL '2 hours'),
    ('AAPL', 'HOLD', 0.50, NULL, 'range', '{"rsi": 50}', NOW() - INTERVAL '3 hours'),
    ('MSFT', 'BUY', 0.95, 430, 'earnings', '{"rsi": 65}', NOW() - INTERVAL '30 minutes'),
    ('MSFT', 'SELL', 0.70, 400, 'weak', NULL, NOW() - INTERVAL '3 days'),
    ('SPY', 'HOLD', 0.81, NULL, 'flat', NULL, NOW() - INTERVAL '2 days'),
    ('NYD', 'BUY', 0.60, NULL, 'late', NULL, '2024-03-11 03:00:00+00'),
    ('NYD', 'SELL', 0.40, NULL, 'early', NULL, '2024-03-11 05:00:00+00'),
    ('OLD', 'BUY', 0.99, NULL, 'old', NULL, NOW() - INTERVAL '400 days');

INSERT INTO trading.performance_metrics (metric_name, metric_value, strategy, symbol, period, tags, timestamp) VALUES
    ('sharpe_ratio', 1.8, 'momentum', 'AAPL', 'DAY', '{"env": "prod", "team": "quant"}', NOW() - INTERVAL '1 day'),
    ('win_rate', 0.55, 'momentum', NULL, 'WEEK', '{"env": "test"}', NOW() - INTERVAL '1 day'),
    ('sharpe_ratio', 0.9, 'momentum', 'AAPL', 'DAY', '{"env": "prod"}', NOW() - INTERVAL '3 years');

INSERT INTO trading.data_quality (check_name, table_name, symbol, status, measured_value, threshold_value, details, timestamp) VALUES
    ('gap_check', 'stock_prices', 'AAPL', 'PASS', 0, 5, '{"gaps": []}', NOW() - INTERVAL '1 hour'),
    ('gap_check', 'stock_prices', 'MSFT', 'FAIL', 12, 5, '{"gaps": ["09:31", "09:32"]}', NOW() - INTERVAL '1 hour'),
    ('gap_check', 'stock_prices', 'SPY', 'WARN', 6, 5, '{"gaps": ["10:00"]}', NOW() - INTERVAL '100 days');

INSERT INTO trading.system_events (event_type, severity, source, message, details, timestamp) VALUES
    ('startup', 'INFO', 'ingest', 'ingest started', '{"version": "1.0"}', NOW() - INTERVAL '1 hour'),
    ('lag', 'WARNING', 'ingest', 'feed lag 2s', '{"lag_ms": 2000}', NOW() - INTERVAL '30 minutes'),
    -- 100 days old (past the 3-month retention): one CRITICAL, one INFO later raised to CRITICAL, one INFO.
    ('disk', 'CRITICAL', 'db', 'disk full', '{"free": 0}', date_trunc('day', NOW() - INTERVAL '100 days') + INTERVAL '14 hours'),
    ('feed', 'INFO', 'ingest', 'feed reconnect', NULL, date_trunc('day', NOW() - INTERVAL '100 days') + INTERVAL '14 hours 10 minutes'),
    ('noise', 'INFO', 'ingest', 'heartbeat', NULL, date_trunc('day', NOW() - INTERVAL '100 days') + INTERVAL '14 hours 15 minutes'),
    -- 800 days old: past the 2-year retention of the CRITICAL copies too.
    ('crash', 'CRITICAL', 'db', 'server crash', NULL, NOW() - INTERVAL '800 days');
UPDATE trading.system_events SET severity = 'CRITICAL', message = 'feed lost'
WHERE event_type = 'feed' AND source = 'ingest';
`;

/** CSV rows for COPY into system_events (event_type, severity, source, message, timestamp): one 100 days old. */
export function copiedEvents(now = new Date()) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 100 * 86400000);
  const at = (minutes) => new Date(day.getTime() + (14 * 60 + minutes) * 60000).toISOString();
  return [
    `copy,CRITICAL,broker,"connection lost, orders halted",${at(5)}`,
    `copy,INFO,broker,reconnected,${at(6)}`,
    `copy,CRITICAL,broker,recent outage,${new Date(now.getTime() - 60000).toISOString()}`,
  ].join('\n') + '\n';
}
