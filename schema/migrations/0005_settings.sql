-- The trading_timescale.* settings the schema was last installed with (written by
-- repeatable/00_settings.sql on every migrate), so maintenance functions such as
-- trading.apply_retention() work from any later session, where the session settings are not set.
CREATE TABLE IF NOT EXISTS trading.settings (
    name VARCHAR(63) PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
