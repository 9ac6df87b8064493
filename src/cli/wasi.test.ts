/** The CLI's real-directory mapping for WASI programs (src/cli/wasi.ts). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree, writeBack } from './wasi.js';
import { Wasi } from '../wasi/index.js';

describe('CLI --dir: reading a real directory and writing the changes back', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-dir-'));
    fs.mkdirSync(path.join(dir, 'keep/deep'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'gone/inner'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'same.txt'), 'same');
    fs.writeFileSync(path.join(dir, 'changed.txt'), 'old');
    fs.writeFileSync(path.join(dir, 'deleted.txt'), 'x');
    fs.writeFileSync(path.join(dir, 'gone/inner/f'), 'f');
    fs.writeFileSync(path.join(dir, 'kind'), 'a file that becomes a directory');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const listing = (d: string): string[] => {
    const out: string[] = [];
    const walk = (p: string, rel: string) => {
      for (const n of fs.readdirSync(p).sort()) {
        const full = path.join(p, n);
        if (fs.statSync(full).isDirectory()) { out.push(rel + n + '/'); walk(full, rel + n + '/'); }
        else out.push(`${rel}${n}=${fs.readFileSync(full, 'utf8')}`);
      }
    };
    walk(d, '');
    return out;
  };

  test('readTree gives the FileTree the host builds the preopen from', () => {
    const tree = readTree(dir);
    const wasi = new Wasi({ preopens: { '/d': tree } });
    expect(Object.keys(wasi.files())).toEqual(['/d/changed.txt', '/d/deleted.txt', '/d/gone/inner/f', '/d/kind', '/d/same.txt']);
    expect(wasi.directories()).toEqual(['/d', '/d/gone', '/d/gone/inner', '/d/keep', '/d/keep/deep']);
  });

  test('created, changed and removed files and directories reach the disk; unchanged files are not rewritten', () => {
    const before = readTree(dir);
    const enc = (s: string) => new TextEncoder().encode(s);
    fs.utimesSync(path.join(dir, 'same.txt'), 1000, 1000);
    writeBack({ host: dir, guest: '/d' }, before, {
      '/d/same.txt': enc('same'), '/d/changed.txt': enc('new'), '/d/new/sub/n.txt': enc('n'), '/d/kind/x': enc('x'),
      '/other/ignored.txt': enc('not under /d'),
    }, ['/d', '/d/keep', '/d/keep/deep', '/d/new', '/d/new/sub', '/d/kind', '/d/empty']);
    expect(listing(dir)).toEqual([
      'changed.txt=new', 'empty/', 'keep/', 'keep/deep/', 'kind/', 'kind/x=x', 'new/', 'new/sub/', 'new/sub/n.txt=n', 'same.txt=same',
    ]);
    expect(fs.statSync(path.join(dir, 'same.txt')).mtimeMs).toBe(1000 * 1000);
  });

  test('a missing directory is an IoError', () => {
    expect(() => readTree(path.join(dir, 'nope'))).toThrow(/cannot read directory/);
  });
});
