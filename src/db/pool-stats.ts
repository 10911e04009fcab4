import { DataSource } from 'typeorm';
import { dialectFor } from './dialect';

/** Connections of the database pool, for the metrics. Fields a driver cannot tell are absent. */
export interface PoolStats {
  max: number;
  open: number;
  inUse?: number;
  idle?: number;
  /** Callers waiting for a connection. */
  waiting?: number;
}

interface Mysql2Pool {
  config?: { connectionLimit?: number };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * Reads the pool's state. mysql2 keeps its counts in underscored fields, not a public API: each is
 * read defensively, so a driver upgrade loses a gauge rather than breaking /metrics. SQLite is
 * one connection owned by the process.
 */
export function poolStats(ds: DataSource): PoolStats | null {
  if (!ds.isInitialized) return null;
  if (dialectFor(ds).serializesTransactions) return { max: 1, open: 1 };
  const pool = (ds.driver as unknown as { pool?: Mysql2Pool }).pool;
  if (!pool) return null;
  const open = pool._allConnections?.length;
  const idle = pool._freeConnections?.length;
  return {
    max: pool.config?.connectionLimit ?? 0,
    open: open ?? 0,
    idle,
    inUse: open !== undefined && idle !== undefined ? open - idle : undefined,
    waiting: pool._connectionQueue?.length,
  };
}
