import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/**
 * Flags for Debian's Chromium on a machine without a display or outside network: no sandbox (CI
 * runs as root in a container), no GPU, and none of the background traffic (updates, sync, QUIC
 * probes) that would keep trying hosts it cannot reach.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system Chromium (`command -v chromium`); playwright's own browser downloads cannot work here. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium is not installed: `apt-get install -y chromium` (or set CHROMIUM_PATH).');
  }
}

/** A headless Chromium; each browser context it makes has fresh storage (its own temporary profile). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}
