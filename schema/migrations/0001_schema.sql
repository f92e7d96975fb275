-- The trading schema. The installer has already checked that the timescaledb extension is
-- available (and created it when it was missing and the role may).
CREATE SCHEMA IF NOT EXISTS trading;
