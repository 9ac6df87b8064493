// A C program (examples/wasi/wc.c, built with clang + wasi-libc) run by
// detwasm's deterministic WASI host over an in-memory file system, then a
// second one (files.c) that changes the file system, read back afterwards.
// Run from the repo after `npm run build`:
//   node examples/wasi.mjs
import { readFileSync } from 'node:fs';
import { runWasi } from 'detwasm/wasi';

const wasm = (name) => readFileSync(new URL(`./wasi/${name}.wasm`, import.meta.url));
const text = (bytes) => new TextDecoder().decode(bytes);

// wc over two virtual files; argv[0] is the program's name; floats are on (printf has float code)
const wc = runWasi(wasm('wc'), {
  args: ['wc', '/data/poem.txt', '/data/notes/todo.txt'],
  preopens: { '/data': { 'poem.txt': 'so much depends\nupon\n\na red wheel\nbarrow\n', 'notes/todo.txt': 'write tests\n' } },
  budget: 100_000_000, // gas: instructions plus every WASI call (base + per byte)
});
process.stdout.write(text(wc.stdout));
console.log(`exit code ${wc.exitCode}, gas used ${wc.gasUsed}`);

// files.c lists /data, creates, writes, renames and removes files; the result is readable afterwards
const files = runWasi(wasm('files'), { args: ['files', '/data'], preopens: { '/data': { 'in.txt': 'x' } }, budget: 100_000_000 });
console.log(`files: exit code ${files.exitCode}, ${text(files.stdout).split('\n').length - 1} lines of output, gas used ${files.gasUsed}`);
for (const [path, bytes] of Object.entries(files.files)) console.log(`  ${path}: ${JSON.stringify(text(bytes))}`);

// time and randomness are virtual: the same on every run and every machine
const info = runWasi(wasm('info'), { args: ['info'], seed: 7, clock: { start: 0n, step: 1_000n } });
console.log(text(info.stdout).split('\n').filter((l) => /^(realtime|date|random)=/.test(l)).join('\n'));
