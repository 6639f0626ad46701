// Preloaded (node --import) into the embedded Chroma process. Chroma's server blocks the main
// thread, so a worker watches the parent: when the daemon that started Chroma is gone (even
// after kill -9), Chroma exits instead of living on as an orphan holding the port and files.
import { Worker } from 'node:worker_threads';

const code = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}, 1000);
`;
const worker = new Worker(code, { eval: true, workerData: { parent: process.ppid } });
worker.unref();
