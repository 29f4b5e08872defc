// Run in a worker started as the project starts its workers: reports how modules were loaded there.
import { parentPort } from 'node:worker_threads';
import { howModulesLoad } from './how-modules-load.ts';

parentPort!.postMessage(await howModulesLoad());
