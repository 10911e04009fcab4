import { CliError, EXIT } from './errors';

/** `registry/model`, as the commands take it. */
export interface ModelRef {
  registry: string;
  model: string;
}

/** `registry/model:ref`, where ref is `v3`, `latest` or an alias. */
export interface VersionRef extends ModelRef {
  ref: string;
}

export function parseModelRef(raw: string): ModelRef {
  const m = /^([^/:\s]+)\/([^/:\s]+)$/.exec(raw);
  if (!m) throw new CliError(`"${raw}" is not REGISTRY/MODEL (for example vision/MNIST).`, EXIT.usage);
  return { registry: m[1], model: m[2] };
}

export function parseVersionRef(raw: string, defaultRef?: string): VersionRef {
  const m = /^([^/:\s]+)\/([^/:\s]+)(?::([^/:\s]+))?$/.exec(raw);
  if (!m || (!m[3] && !defaultRef))
    throw new CliError(
      `"${raw}" is not REGISTRY/MODEL:REF (for example vision/MNIST:production, vision/MNIST:v3).`,
      EXIT.usage,
    );
  return { registry: m[1], model: m[2], ref: m[3] ?? defaultRef! };
}

/** `k=v` metrics: numbers only, as the server wants them. */
export function parseMetric(raw: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([^=]+)=(.+)$/.exec(raw);
  const value = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(value))
    throw new CliError(`--metric "${raw}" is not NAME=NUMBER (for example acc=0.93).`, EXIT.usage);
  return { ...previous, [m[1].trim()]: value };
}
