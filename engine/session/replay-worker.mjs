// The replay worker's entry: tsx's loader does not carry over into worker threads (Node 20), so this plain module
// registers it and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./replay-worker.ts');
