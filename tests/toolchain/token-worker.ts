// A worker thread that reports the first temporary name toolchain/build.ts hands out in it (tests/toolchain/temporary-names.test.ts).
import { parentPort } from 'node:worker_threads';
import { temporaryToken } from '../../toolchain/build.ts';

parentPort!.postMessage(temporaryToken());
