import { load, LoadResult, Workload } from './load';

/**
 * Interleaved measurement. The machines this runs on drift about 2x in speed within minutes, so
 * two variants measured one after the other compare the machine's moods, not the variants. Every
 * variant's server runs at once; each round gives every lane one short window, starting one lane
 * further along each round; a variant is then compared with another through the ratio of their
 * throughputs in the same round, and the median of those ratios over rounds is what is reported,
 * with its spread (lowest and highest round).
 */
export interface Lane {
  /** Unique, e.g. `W2 app`. */
  label: string;
  url: string;
  token: string | null;
  workload: Workload;
  /** CPU µs the lane's server has used so far, when it can tell: gives CPU ms per request. */
  cpu?: () => Promise<number>;
}

/** One window's result, with the server's CPU ms per request when the lane can tell. */
export type WindowResult = LoadResult & { cpuMs?: number };

export interface InterleaveOptions {
  rounds: number;
  windowSeconds: number;
  connections: number;
}

export const INTERLEAVE: InterleaveOptions = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 6),
  windowSeconds: Number(process.env.BENCH_WINDOW ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
};

export type Rounds = Map<string, WindowResult[]>;

export async function interleave(lanes: Lane[], opts: InterleaveOptions = INTERLEAVE): Promise<Rounds> {
  const rounds: Rounds = new Map(lanes.map((l) => [l.label, []]));
  const run = async (lane: Lane): Promise<WindowResult> => {
    const before = await lane.cpu?.();
    const result = await load(lane.url, lane.token, lane.workload, {
      connections: opts.connections,
      duration: opts.windowSeconds,
    });
    const after = await lane.cpu?.();
    if (before === undefined || after === undefined || result.requests === 0) return result;
    return { ...result, cpuMs: (after - before) / 1000 / result.requests };
  };
  // One untimed window each: JIT, connection pools and caches warm before anything counts.
  for (const lane of lanes) await run(lane);
  for (let round = 0; round < opts.rounds; round++) {
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[(i + round) % lanes.length];
      const result = await run(lane);
      if (result.bad > 0) console.error(`  ! ${lane.label}: ${result.bad} bad responses, first: ${result.firstBad}`);
      rounds.get(lane.label)!.push(result);
    }
  }
  return rounds;
}

export interface Spread {
  median: number;
  low: number;
  high: number;
}

export function spreadOf(xs: number[]): Spread {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, low: sorted[0], high: sorted[sorted.length - 1] };
}

/** The median and spread over rounds of `lane`'s throughput divided by `reference`'s, round by round. */
export function ratio(rounds: Rounds, lane: string, reference: string): Spread | null {
  const a = rounds.get(lane);
  const b = rounds.get(reference);
  if (!a || !b) return null;
  return spreadOf(a.map((r, i) => r.rps / b[i].rps));
}

/** The median and spread of CPU ms per request, or null when the lane's server cannot tell. */
export function cpuOf(rounds: Rounds, lane: string): Spread | null {
  const xs = rounds.get(lane)?.map((r) => r.cpuMs);
  return xs && xs.every((x) => x !== undefined) ? spreadOf(xs) : null;
}

/** Round by round, `reference`'s CPU per request divided by `lane`'s: how many times cheaper `lane` is. */
export function cpuRatio(rounds: Rounds, lane: string, reference: string): Spread | null {
  const a = rounds.get(lane);
  const b = rounds.get(reference);
  if (!a || !b || [...a, ...b].some((r) => r.cpuMs === undefined)) return null;
  return spreadOf(a.map((r, i) => b[i].cpuMs! / r.cpuMs!));
}

export function rpsOf(rounds: Rounds, lane: string): Spread {
  return spreadOf(rounds.get(lane)!.map((r) => r.rps));
}

export function badOf(rounds: Rounds): number {
  let bad = 0;
  for (const rs of rounds.values()) for (const r of rs) bad += r.bad;
  return bad;
}
