// The replay worker's entry: module hooks do not carry over into worker threads (Node 20), so this plain module
// registers the project's loader and then loads the TypeScript worker.
import '../../loader/register.js';

await import('./replay-worker.ts');
