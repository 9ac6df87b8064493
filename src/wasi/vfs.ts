/**
 * The in-memory file system of the WASI host: directories and regular files
 * (no symbolic or hard links), built from plain objects or maps of paths to
 * bytes and read back the same way. Everything about it is deterministic:
 * inode numbers count up in creation order, times come from the host's
 * virtual clock, and directory listings are sorted by name (UTF-16 code unit
 * order, which is byte order for the names of ASCII and most UTF-8 text).
 */

/**
 * A directory's contents given to `WasiOptions.preopens`: each key is a file
 * or directory name, or a relative path whose parent directories are created
 * ("sub/dir/file.txt"); each value is the file's bytes, a string (stored as
 * UTF-8) or a nested `FileTree` (a directory, possibly empty).
 */
export type FileTree =
  | { readonly [path: string]: Uint8Array | string | FileTree }
  | ReadonlyMap<string, Uint8Array | string | FileTree>;

/** A regular file: `data[0..size)` are its bytes (the array may have spare capacity). */
export class VFile {
  /** Always 'file'. */
  readonly kind = 'file';
  /** The bytes; only the first `size` are the file's. */
  data: Uint8Array;
  /** The file's length in bytes. */
  size: number;
  /** Last access time, in ns since the epoch. */
  atim: bigint;
  /** Last modification time, in ns since the epoch. */
  mtim: bigint;
  /** Last status change time, in ns since the epoch. */
  ctim: bigint;
  constructor(
    /** The inode number (unique in the host, in creation order). */
    readonly ino: bigint,
    bytes: Uint8Array,
    now: bigint,
  ) {
    this.data = bytes.slice();
    this.size = bytes.length;
    this.atim = this.mtim = this.ctim = now;
  }
  /** The file's bytes (a copy). */
  bytes(): Uint8Array {
    return this.data.slice(0, this.size);
  }
  /** Makes room for `n` bytes (growing capacity geometrically); new bytes are zero. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Uint8Array(Math.max(n, Math.min(this.data.length * 2, n + (1 << 24))));
    next.set(this.data.subarray(0, this.size));
    this.data = next;
  }
  /** Sets the length: truncates, or extends with zero bytes. */
  resize(n: number): void {
    if (n > this.size) {
      this.reserve(n);
      this.data.fill(0, this.size, n);
    }
    this.size = n;
  }
}

/** A directory: named entries and its parent (null for a preopened root). */
export class VDir {
  /** Always 'dir'. */
  readonly kind = 'dir';
  /** Entries by name (never "." or ".."). */
  readonly entries = new Map<string, VNode>();
  /** The directory containing this one (null for a root). */
  parent: VDir | null = null;
  /** Last access time, in ns since the epoch. */
  atim: bigint;
  /** Last modification time, in ns since the epoch. */
  mtim: bigint;
  /** Last status change time, in ns since the epoch. */
  ctim: bigint;
  constructor(
    /** The inode number (unique in the host, in creation order). */
    readonly ino: bigint,
    now: bigint,
  ) {
    this.atim = this.mtim = this.ctim = now;
  }
  /** Entry names in listing order. */
  sortedNames(): string[] {
    return [...this.entries.keys()].sort();
  }
}

/** A file or a directory. */
export type VNode = VFile | VDir;

const encoder = new TextEncoder();

/** Whether `value` is a directory in a `FileTree` (an object or map that is not bytes or a string). */
function isTree(value: unknown): value is FileTree {
  return value instanceof Map || (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !ArrayBuffer.isView(value));
}

/** Checks one path component given by the embedder (TypeError when unusable). */
function checkName(name: string, where: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) {
    throw new TypeError(`WASI file tree: invalid name ${JSON.stringify(name)} in ${JSON.stringify(where)}`);
  }
}

/**
 * Fills `dir` from `tree`. `ino` makes inode numbers; `now` is the time
 * stamped on every node; `where` names the tree in error messages.
 */
export function fillTree(dir: VDir, tree: FileTree, ino: () => bigint, now: bigint, where: string): void {
  const entries: [string, unknown][] = tree instanceof Map ? [...tree.entries()] : Object.entries(tree);
  for (const [path, value] of entries) {
    const parts = path.split('/').filter((p) => p !== '');
    if (parts.length === 0) throw new TypeError(`WASI file tree: empty path in ${JSON.stringify(where)}`);
    let cur = dir;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i];
      checkName(name, where + '/' + path);
      const last = i === parts.length - 1;
      const existing = cur.entries.get(name);
      if (!last || isTree(value)) {
        let sub: VDir;
        if (existing === undefined) {
          sub = new VDir(ino(), now);
          sub.parent = cur;
          cur.entries.set(name, sub);
        } else if (existing.kind === 'dir') {
          sub = existing;
        } else {
          throw new TypeError(`WASI file tree: ${JSON.stringify(where + '/' + parts.slice(0, i + 1).join('/'))} is both a file and a directory`);
        }
        if (last) fillTree(sub, value as FileTree, ino, now, where + '/' + parts.join('/'));
        cur = sub;
      } else {
        if (existing !== undefined) throw new TypeError(`WASI file tree: ${JSON.stringify(where + '/' + path)} is given twice`);
        let bytes: Uint8Array;
        if (typeof value === 'string') bytes = encoder.encode(value);
        else if (value instanceof Uint8Array) bytes = value;
        else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        else throw new TypeError(`WASI file tree: ${JSON.stringify(where + '/' + path)} must be a Uint8Array, a string or a directory object`);
        cur.entries.set(name, new VFile(ino(), bytes, now));
      }
    }
  }
}

/** Calls `visit` for every node under `dir` (depth first, sorted names) with its path below `prefix`. */
export function walk(dir: VDir, prefix: string, visit: (path: string, node: VNode) => void): void {
  for (const name of dir.sortedNames()) {
    const node = dir.entries.get(name)!;
    const path = prefix === '/' ? '/' + name : prefix + '/' + name;
    visit(path, node);
    if (node.kind === 'dir') walk(node, path, visit);
  }
}
