import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Checks that `file` starts like a GGUF model (magic "GGUF", format version 2 or 3) before it goes
 * to node-llama-cpp, whose loader can wait forever on a file that is not one.
 * Returns a reason when it is not, or undefined when the header is fine.
 */
export function ggufHeaderProblem(file: string): string | undefined {
  const head = Buffer.alloc(8);
  let read = 0;
  const fd = openSync(file, 'r');
  try {
    read = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 8 || head.toString('latin1', 0, 4) !== 'GGUF') return 'it does not start with the GGUF magic';
  const version = head.readUInt32LE(4);
  if (version !== 2 && version !== 3) return `unsupported GGUF version ${version}`;
  return undefined;
}
