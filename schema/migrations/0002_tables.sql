-- The trading tables. Column names and types follow the spec; deviations are listed in docs/schema.md.

CREATE TABLE IF NOT EXISTS trading.stock_prices (
    id BIGSERIAL,
    symbol VARCHAR(10) NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    open_price DECIMAL(12,4),
    high_price DECIMAL(12,4),
    low_price DECIMAL(12,4),
    close_price DECIMAL(12,4),
    volume BIGINT,
    vwap DECIMAL(12,4),
    market_cap BIGINT,
    shares_outstanding BIGINT,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
);

CREATE TABLE IF NOT EXISTS trading.options_data (
    id BIGSERIAL,
    underlying_symbol VARCHAR(10) NOT NULL,
    option_symbol VARCHAR(50) NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL,
    expiration_date DATE NOT NULL,
    strike_price DECIMAL(12,4) NOT NULL,
    option_type VARCHAR(4) NOT NULL CHECK (option_type IN ('CALL', 'PUT')),
    bid_price DECIMAL(12,4),
    ask_price DECIMAL(12,4),
    last_price DECIMAL(12,4),
    volume BIGINT DEFAULT 0,
    open_interest BIGINT DEFAULT 0,
    implied_volatility DECIMAL(8,6),
    delta DECIMAL(8,6),
    gamma DECIMAL(8,6),
    theta DECIMAL(8,6),
    vega DECIMAL(8,6),
    rho DECIMAL(8,6),
    intrinsic_value DECIMAL(12,4),
    time_value DECIMAL(12,4),
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
);

-- Deviation: a hypertable's primary key must contain its time column, so (id, timestamp).
CREATE TABLE IF NOT EXISTS trading.signals (
    id BIGSERIAL,
    symbol VARCHAR(10) NOT NULL,
    signal_type VARCHAR(10) NOT NULL CHECK (signal_type IN ('BUY', 'SELL', 'HOLD')),
    confidence DECIMAL(5,4) NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    target_price DECIMAL(12,4),
    stop_loss DECIMAL(12,4),
    reasoning TEXT,
    model_version VARCHAR(50),
    features JSONB,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
);

-- Portfolio positions: one row per position (a stock or an option leg). Quantity is signed:
-- positive is long, negative is short. The link to the signal that opened it is soft (no foreign
-- key), because signals are dropped by retention after a year while positions are kept.
CREATE TABLE IF NOT EXISTS trading.positions (
    id BIGSERIAL PRIMARY KEY,
    account VARCHAR(50) NOT NULL DEFAULT 'default',
    symbol VARCHAR(10) NOT NULL,
    instrument_type VARCHAR(6) NOT NULL CHECK (instrument_type IN ('STOCK', 'OPTION')),
    option_symbol VARCHAR(50),
    option_type VARCHAR(4) CHECK (option_type IN ('CALL', 'PUT')),
    strike_price DECIMAL(12,4),
    expiration_date DATE,
    multiplier INTEGER NOT NULL DEFAULT 1 CHECK (multiplier > 0),
    quantity DECIMAL(18,4) NOT NULL,
    average_cost DECIMAL(12,4) NOT NULL CHECK (average_cost >= 0),
    status VARCHAR(6) NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
    realized_pnl DECIMAL(18,4) NOT NULL DEFAULT 0,
    unrealized_pnl DECIMAL(18,4),
    mark_price DECIMAL(12,4),
    marked_at TIMESTAMPTZ,
    signal_id BIGINT,
    signal_timestamp TIMESTAMPTZ,
    opened_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    closed_at TIMESTAMPTZ,
    notes TEXT,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    CONSTRAINT positions_option_leg_complete CHECK (
        (instrument_type = 'STOCK' AND option_symbol IS NULL AND option_type IS NULL
            AND strike_price IS NULL AND expiration_date IS NULL)
        OR (instrument_type = 'OPTION' AND option_symbol IS NOT NULL AND option_type IS NOT NULL
            AND strike_price IS NOT NULL AND expiration_date IS NOT NULL)),
    CONSTRAINT positions_closed_consistent CHECK (
        (status = 'OPEN' AND closed_at IS NULL) OR (status = 'CLOSED' AND closed_at IS NOT NULL AND quantity = 0))
);

-- Performance analytics: one value of one metric for one strategy or model over one period.
CREATE TABLE IF NOT EXISTS trading.performance_metrics (
    id BIGSERIAL,
    metric_name VARCHAR(100) NOT NULL,
    metric_value DOUBLE PRECISION NOT NULL,
    strategy VARCHAR(50),
    model_version VARCHAR(50),
    symbol VARCHAR(10),
    period VARCHAR(10) NOT NULL DEFAULT 'DAY'
        CHECK (period IN ('MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'ALL')),
    tags JSONB NOT NULL DEFAULT '{}'::jsonb,
    timestamp TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
);

-- Data quality monitoring: the outcome of one check on one table (and optionally one symbol).
CREATE TABLE IF NOT EXISTS trading.data_quality (
    id BIGSERIAL,
    check_name VARCHAR(100) NOT NULL,
    table_name VARCHAR(63) NOT NULL,
    symbol VARCHAR(10),
    status VARCHAR(4) NOT NULL CHECK (status IN ('PASS', 'WARN', 'FAIL')),
    measured_value DOUBLE PRECISION,
    threshold_value DOUBLE PRECISION,
    details JSONB,
    timestamp TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
);

-- System events and logs.
CREATE TABLE IF NOT EXISTS trading.system_events (
    id BIGSERIAL,
    event_type VARCHAR(50) NOT NULL,
    severity VARCHAR(8) NOT NULL CHECK (severity IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
    source VARCHAR(100) NOT NULL,
    message TEXT NOT NULL,
    details JSONB,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    PRIMARY KEY (id, timestamp)
);

-- CRITICAL events are kept 2 years while system_events keeps 3 months: a trigger (in a later
-- migration) copies every CRITICAL event here as it is written, so dropping old system_events
-- chunks can never lose one.
CREATE TABLE IF NOT EXISTS trading.system_events_critical (
    id BIGINT NOT NULL,
    event_type VARCHAR(50) NOT NULL,
    severity VARCHAR(8) NOT NULL CHECK (severity = 'CRITICAL'),
    source VARCHAR(100) NOT NULL,
    message TEXT NOT NULL,
    details JSONB,
    timestamp TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (id, timestamp)
);
