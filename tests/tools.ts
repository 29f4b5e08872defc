// The Debian tools some tests need (.ci/run installs them): without one, such a test is skipped, saying what to install.
import { spawnSync } from 'node:child_process';

const INSTALL = {
  clang: 'apt-get install -y clang lld',
  // A C build's source lines (toolchain/c-source-map.ts).
  'llvm-dwarfdump': 'apt-get install -y llvm',
  tcpdump: 'apt-get install -y tcpdump',
} as const;

/** For node:test's `skip`: false when `tool` runs here, else why the test is skipped and what to install. */
export function unlessInstalled(tool: keyof typeof INSTALL): string | false {
  return spawnSync(tool, ['--version']).status === 0 ? false : `${tool} is not installed: ${INSTALL[tool]}`;
}
