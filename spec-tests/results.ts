/** Result records of a spec script run, and how they add up. */

/** Categories = the script's command names. */
export type Category =
  | 'module' | 'module_instance' | 'register' | 'invoke' | 'get'
  | 'assert_return' | 'assert_trap' | 'assert_exhaustion' | 'assert_invalid'
  | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable' | 'assert_exception';

export interface Counts { passed: number; failed: number; skipped: number }

export interface Note {
  line: number;
  category: Category | 'file';
  message: string;
}

export interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  byCategory: Partial<Record<Category, Counts>>;
  /**
   * Informational, not failures: passing `assert_malformed`/`assert_invalid`
   * whose error reason does not start with the script's expected message.
   */
  messageMismatches: Note[];
  /** `assert_invalid` passes where the engine rejected the module by (confirmed) policy instead of as invalid. */
  policyAccepted: number;
  failures: Note[];
  skips: Note[];
  /** Metered runs: gas charged over the whole file (deterministic, comparable across machines). */
  gasUsed?: number;
  /** Wall time in milliseconds (informational only). */
  ms: number;
}

export function emptyCounts(): Counts {
  return { passed: 0, failed: 0, skipped: 0 };
}

export function newFileResult(file: string): FileResult {
  return { file, passed: 0, failed: 0, skipped: 0, byCategory: {}, policyAccepted: 0, messageMismatches: [], failures: [], skips: [], ms: 0 };
}

/** A whole file that could not be run (syntax error, crash, time limit) counts as one failure. */
export function fileFailure(file: string, message: string): FileResult {
  const r = newFileResult(file);
  r.failed = 1;
  r.failures.push({ line: 0, category: 'file', message });
  return r;
}

export interface Totals extends Counts {
  byCategory: Partial<Record<Category, Counts>>;
  policyAccepted: number;
  messageMismatches: number;
  /** Sum of the files' `gasUsed` (metered runs). */
  gasUsed?: number;
}

export function totals(results: FileResult[]): Totals {
  const t: Totals = { ...emptyCounts(), byCategory: {}, policyAccepted: 0, messageMismatches: 0 };
  for (const r of results) {
    t.passed += r.passed;
    t.failed += r.failed;
    t.skipped += r.skipped;
    t.policyAccepted += r.policyAccepted;
    t.messageMismatches += r.messageMismatches.length;
    if (r.gasUsed !== undefined) t.gasUsed = (t.gasUsed ?? 0) + r.gasUsed;
    for (const [cat, c] of Object.entries(r.byCategory) as Array<[Category, Counts]>) {
      const into = (t.byCategory[cat] ??= emptyCounts());
      into.passed += c.passed;
      into.failed += c.failed;
      into.skipped += c.skipped;
    }
  }
  return t;
}
