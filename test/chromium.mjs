// Prints {"executablePath": ..., "args": [...]} for the headless Chromium of
// the npm package @sparticuz/chromium (an ES module, so the jest tests, which
// run as CommonJS, ask this script in a child process). executablePath()
// unpacks the browser into the temp folder on first use.
import chromium from '@sparticuz/chromium';

const executablePath = await chromium.executablePath();
process.stdout.write(JSON.stringify({ executablePath, args: chromium.args }) + '\n');
