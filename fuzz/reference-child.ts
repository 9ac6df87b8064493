/**
 * The Node 24 side of the differential fuzzer (started by reference.ts): reads
 * generated modules as JSON lines from stdin (byte arrays as `{ base64 }`),
 * runs each with the harness on this process's `WebAssembly`, and writes one
 * JSON line per module with its record, in order.
 */
import { nativeAdapter, runGenerated } from './exec-harness.js';
import type { GeneratedModule } from './gen-module.js';

// Traps are exceptions; their stack traces would dominate the cost.
Error.stackTraceLimit = 0;
const chunks: Buffer[] = [];
process.stdin.on('data', (c: Buffer) => chunks.push(c));
process.stdin.on('end', () => {
  const out: string[] = [];
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    if (line === '') continue;
    const gm = JSON.parse(line, (_k, v) => (v && typeof v === 'object' && typeof v.base64 === 'string' ? new Uint8Array(Buffer.from(v.base64, 'base64')) : v)) as GeneratedModule;
    out.push(JSON.stringify(runGenerated(nativeAdapter, gm)));
  }
  process.stdout.write(out.join('\n') + '\n');
});
