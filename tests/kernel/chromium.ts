// Headless Chromium (Debian package `chromium`) for tests that look at exported notebooks: each run gets a fresh
// profile and nothing that reaches the network (no background services, no QUIC, no first-run, no updates).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = 'chromium';

/** Headless, with nothing that reaches the network by itself; the profile is the caller's. */
export function quietFlags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
}

/** Undefined when Chromium can run, else the reason to skip, naming the package to install. */
export function chromiumMissing(): string | undefined {
  const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `headless Chromium is not installed (${probe.error?.message ?? probe.stderr.trim()}); install it: apt-get install -y chromium`;
}

/** Runs Chromium headless on a page with extra flags (--dump-dom, --screenshot=...); returns its stdout. */
export function headlessChromium(url: string, flags: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'vigor-chromium-'));
  try {
    const run = spawnSync(
      CHROMIUM,
      [
        ...quietFlags(profile),
        // Scripts (plotly) finish before the page is captured.
        '--virtual-time-budget=10000',
        ...flags,
        url,
      ],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.status !== 0) throw new Error(`chromium exited with ${run.status}: ${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
