import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ops } from './bytecode';

test('every case label in exec.ts matches the op named in its comment', () => {
  const src = readFileSync(join(__dirname, 'exec.ts'), 'utf8');
  const re = /case (\d+): \{? ?\/\/ ([A-Z0-9_]+)/g;
  const seen = new Set<string>();
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) !== null) {
    const name = m[2] as keyof typeof Ops;
    expect([name, Ops[name]]).toEqual([name, Number(m[1])]);
    seen.add(name);
  }
  // every op has a case in exec
  for (const name of Object.keys(Ops)) expect([name, seen.has(name)]).toEqual([name, true]);
});

test('op numbers are unique', () => {
  const values = Object.values(Ops);
  expect(new Set(values).size).toBe(values.length);
});
