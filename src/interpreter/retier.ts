/**
 * SPEED (V8): throwing away exec's optimized code after a realm's first long
 * calls, so that TurboFan compiles it again from the feedback of a program
 * that has run (RATIONALE.md "The loop's entry is warmed up").
 *
 * V8 compiles exec twice while a long call runs: for entry (the code later
 * calls start in) and for on-stack replacement (the code the running call
 * jumps into at the loop's back edge). Each is built from the feedback there
 * is when its compile starts, and deoptimizes at the first case whose
 * operations had none. The OSR compile starts later, so it often has
 * feedback the entry code lacks; when the entry code then deoptimizes in a
 * later call, that call jumps into the cached OSR code at its first back
 * edge, no tier-up tick happens outside it, and Node 20 never compiles exec
 * for entry again: every later call runs in OSR code (25-50% slower). Which
 * of the two deoptimizes last depends on compile timing, so it differed between
 * processes.
 *
 * exec's `finally` reads `EXEC_EPOCH.epoch` (always 0), a field of this
 * module's private prototype, so TurboFan folds it to a constant and every
 * optimized code of exec (entry and OSR, finished or still compiling)
 * depends on that prototype's map. `retierExec` adds a property to the
 * prototype: V8 marks all that code for deoptimization, and the next call
 * tiers up again from the feedback the long calls left, the entry and OSR
 * compiles from the same feedback. It runs after each of a realm's first
 * `RETIER_LIMIT` calls from JS that ran exec for `RETIER_AFTER_MS`: a
 * program's first long call can be long only because its code was cold, and
 * miss paths its next calls take (bench calibration's n = 1 run of fib did).
 */

/** The class whose prototype holds the epoch field. */
class ExecEpoch {}

/** What exec reads: a field that is always 0 (its value is never used for anything). */
export interface ExecEpochField {
  /** 0, on the prototype. */
  readonly epoch: number;
}

/** The prototype holding `epoch` (a field TurboFan folds, depending on this object's map). */
const PROTO = ExecEpoch.prototype as unknown as Record<string, number>;
PROTO.epoch = 0;

/** The object exec reads `epoch` through (its map's prototype is PROTO). */
export const EXEC_EPOCH: ExecEpochField = new ExecEpoch() as unknown as ExecEpochField;

/** A call from JS that ran exec this long (ms) ends one of the realm's first phases. */
export const RETIER_AFTER_MS = 20;

/** How many times exec's code is thrown away in a realm (each costs a compile of exec). */
export const RETIER_LIMIT = 2;

/** Calls from JS timed at most (`Date.now()` twice each): a realm whose calls are all short stops timing them. */
const TIMED_CALLS = 4096;

/** The realm's retiering state (tests read and set it). */
export const retierState = {
  /** False until the warm-up has run (`armRetier`): its own calls do not count. */
  armed: false,
  /** How many times `retierExec` has run. */
  retiered: 0,
  /** Calls still timed. */
  timedLeft: TIMED_CALLS,
};

/** Called at the end of engine.ts `warmUpExec`. */
export function armRetier(): void {
  retierState.armed = true;
}

/** True while call.ts times calls from JS (`noteCall`). */
export function retierPending(): boolean {
  return retierState.armed && retierState.retiered < RETIER_LIMIT && retierState.timedLeft > 0;
}

/** A call from JS ran exec for `ms` milliseconds. */
export function noteCall(ms: number): void {
  retierState.timedLeft--;
  if (ms >= RETIER_AFTER_MS) retierExec();
}

/**
 * Throws away every optimized code of exec (at most `RETIER_LIMIT` times per
 * realm): a new property changes the prototype's map, which that code
 * depends on. `epoch` itself never changes.
 */
export function retierExec(): void {
  if (retierState.retiered >= RETIER_LIMIT) return;
  retierState.retiered++;
  PROTO[`retier${retierState.retiered}`] = 0;
}
