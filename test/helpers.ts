/** Shared helpers of the tests that exercise the built package (npm run build). */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');
export const DIST = path.join(ROOT, 'dist');

/** Throws (failing the test) with a clear message when the package is not built. */
export function requireBuild(): void {
  for (const f of ['dist/cjs/src/index.js', 'dist/esm/index.js', 'dist/cjs/src/cli/main.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) {
      throw new Error(`${f} is missing: run \`npm run build\` before this test (npm test does)`);
    }
  }
}
