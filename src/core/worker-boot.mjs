// Entry of every worker thread: loads the module named in workerData.entry. Under `npm run dev` and
// the tests the sources are TypeScript run through tsx, whose `--import` hook Node 20 does not apply
// to worker threads, so it is registered here; the compiled daemon imports the .js file directly.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') throw new Error('worker-boot: workerData.entry must be the URL of the worker module');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
