import { Worker, type ResourceLimits } from 'node:worker_threads';
import { RUNNING_COMPILED } from '../config/env.ts';

/**
 * Starts a worker thread running `moduleUrl` (a sibling .ts file, or its compiled .js), passing
 * `data` as `workerData.data`. Goes through worker-boot.mjs so TypeScript sources load under tsx.
 */
export function startWorkerThread(moduleUrl: URL, data: unknown, resourceLimits?: ResourceLimits): Worker {
  const entry = RUNNING_COMPILED ? moduleUrl.href.replace(/\.ts$/, '.js') : moduleUrl.href;
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { entry, data }, ...(resourceLimits ? { resourceLimits } : {}) });
}
