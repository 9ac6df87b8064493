/**
 * Test-case minimization for binaries: a ddmin-style pass that deletes ever
 * smaller chunks (whole sections first) while `stillFails` holds.
 */
import { sections } from './mutate.js';

export function shrinkBytes(input: Uint8Array, stillFails: (b: Uint8Array<ArrayBuffer>) => boolean, maxTries = 5000): Uint8Array<ArrayBuffer> {
  let best = Uint8Array.from(input);
  let tries = 0;
  const attempt = (cand: Uint8Array<ArrayBuffer>): boolean => {
    if (tries++ >= maxTries) return false;
    if (cand.length < best.length && stillFails(cand)) {
      best = cand;
      return true;
    }
    return false;
  };
  // 1. Whole sections.
  for (let progress = true; progress && tries < maxTries; ) {
    progress = false;
    for (const s of sections(best)) {
      const cand = new Uint8Array(best.length - (s.end - s.start));
      cand.set(best.subarray(0, s.start), 0);
      cand.set(best.subarray(s.end), s.start);
      if (attempt(cand)) {
        progress = true;
        break;
      }
    }
  }
  // 2. Chunks of halving size after the 8-byte header.
  for (let size = Math.max(1, (best.length - 8) >> 1); size >= 1 && tries < maxTries; size >>= 1) {
    for (let at = 8; at + size <= best.length && tries < maxTries; ) {
      const cand = new Uint8Array(best.length - size);
      cand.set(best.subarray(0, at), 0);
      cand.set(best.subarray(at + size), at);
      if (!attempt(cand)) at += size;
    }
  }
  return best;
}
