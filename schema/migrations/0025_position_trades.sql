-- The trade ledger of trading.positions: one row per trade, written in the same transaction that updates
-- the position, so a position's quantity, average cost and realized P&L can be audited trade by trade.
-- quantity is the positive number of units traded; side gives the direction. realized_pnl is net of fees.
CREATE TABLE IF NOT EXISTS trading.position_trades (
    id BIGSERIAL PRIMARY KEY,
    position_id BIGINT NOT NULL REFERENCES trading.positions (id) ON DELETE RESTRICT,
    trade_type VARCHAR(6) NOT NULL CHECK (trade_type IN ('OPEN', 'ADD', 'REDUCE', 'CLOSE')),
    side VARCHAR(4) NOT NULL CHECK (side IN ('BUY', 'SELL')),
    quantity DECIMAL(18,4) NOT NULL CHECK (quantity > 0),
    price DECIMAL(12,4) NOT NULL CHECK (price >= 0),
    fees DECIMAL(18,4) NOT NULL DEFAULT 0 CHECK (fees >= 0),
    realized_pnl DECIMAL(18,4) NOT NULL DEFAULT 0,
    position_quantity_after DECIMAL(18,4) NOT NULL,
    average_cost_after DECIMAL(12,4) NOT NULL CHECK (average_cost_after >= 0),
    executed_at TIMESTAMPTZ NOT NULL,
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS position_trades_position_id_idx ON trading.position_trades (position_id, id);
