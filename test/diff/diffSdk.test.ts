/**
 * The differential test in CI: a fixed-seed sample of generated deployment files that uses every shape of the
 * generator, each run through the official SDK (`sdk.py capture`) and through `package --json`. Any mismatch
 * (different bytes, or we accept what the SDK refuses) fails; our refusing what the SDK accepts is allowed (always
 * with a line and a reason). `npm run diff-sdk N` runs the full version.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { renderCase } from './generate';
import { countByClass, runMany, seedsCoveringEveryShape } from './main';
import { CaptureWorkers } from './run';

const SEED = 20261130;
const N = 50;
/** With every shape on, about a fifth of generated files package (the rest are refusals, most by both sides): a
 * sample where fewer than an eighth match has stopped exercising packaging. */
const MIN_MATCH = N / 8;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-diff-ci-'));
const workers = new CaptureWorkers(2);
after(() => {
    workers.close();
    fs.rmSync(root, { recursive: true, force: true });
});

void test(`${N} generated deployment files covering every shape: what we package equals what the SDK sends, or we refuse`, async () => {
    const { seeds, missing } = seedsCoveringEveryShape(SEED, N, 200);
    assert.deepEqual(missing, [], 'the sample exercises every shape the generator has');
    const results = await runMany({ n: seeds.length, seed: SEED, seeds, jobs: 2, exclude: [] }, workers, root);
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
    assert.ok((counts.match ?? 0) >= MIN_MATCH, JSON.stringify(counts));
});
