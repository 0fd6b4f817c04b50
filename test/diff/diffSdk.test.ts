/**
 * The differential test in CI: a fixed-seed sample of generated deployment files, each run through the official
 * SDK (`sdk.py capture`) and through `package --json`. Any mismatch (different bytes, or we accept what the SDK
 * refuses) fails; our refusing what the SDK accepts is allowed. `npm run diff-sdk N` runs the full version.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { renderCase, type Feature } from './generate';
import { countByClass, runMany } from './main';
import { CaptureWorkers } from './run';

/**
 * Shapes the static reader does not follow yet (the `analysis` engineer's area, notes in TO-analysis.md): left out
 * of the CI sample until the reader handles them; `npm run diff-sdk` still generates them.
 */
export const CI_EXCLUDE: Feature[] = [
    'control-flow',
    'rebinding',
    'numbers',
    'env-read',
    'fstring',
    'dict-splat',
    'positional-name',
    'worker-port',
    'column-ctor',
    'odd-escapes',
    'no-storage',
];
const SEED = 20261130;
const N = 50;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-diff-ci-'));
const workers = new CaptureWorkers(2);
after(() => {
    workers.close();
    fs.rmSync(root, { recursive: true, force: true });
});

void test(`${N} generated deployment files: what we package equals what the SDK sends, or we refuse`, async () => {
    const results = await runMany({ n: N, seed: SEED, jobs: 2, exclude: CI_EXCLUDE }, workers, root);
    const counts = countByClass(results);
    const mismatches = results.filter((r) => r.outcome.cls === 'mismatch');
    const report = mismatches
        .map(
            (r) =>
                `seed ${r.case.seed}:\n${r.outcome.diffs.map((d) => `  ${d.kind}: ${d.detail}`).join('\n')}\n${renderCase(r.case)}`,
        )
        .join('\n');
    assert.equal(mismatches.length, 0, `${JSON.stringify(counts)}\n${report}`);
    // The sample must exercise packaging, not only refusals.
    assert.ok((counts.match ?? 0) >= N / 4, JSON.stringify(counts));
});
