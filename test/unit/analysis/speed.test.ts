// Prints (never asserts) how long a 10,000-line file takes to analyse fresh and after one-character edits. The
// language server's bench (scripts/bench/analysis.mjs) owns the real numbers; this keeps regressions visible here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { compatCasesDir } from '../../helpers/paths';
import { analyzePython, initPython, PythonDocument } from '../../../src/shared/python/analyze';

function bigFile(): string {
    const parts = [fs.readFileSync(path.join(compatCasesDir, 'full-image', 'app.py'), 'utf8')];
    let lines = parts[0]!.split('\n').length;
    for (let i = 0; lines < 10_000; i++) {
        parts.push(
            `\n\ndef helper_${i}(a, b=3, *args, **kw):\n    """Helper ${i} uses the app image."""\n` +
                `    x = [a * ${i}, b + ${i}, "text ${i}"]\n    for k in range(len(x)):\n        x.append({"k": k})\n` +
                `    return image.size + x[0]  # ${i}\n`,
        );
        lines += 9;
    }
    return parts.join('');
}

before(() => initPython());

void test('speed of a 10,000-line file (printed, not asserted)', (t) => {
    const text = bigFile();
    let start = performance.now();
    const fresh = analyzePython(text);
    const freshMs = performance.now() - start;
    assert.equal(fresh.deployments.length, 1);
    const doc = new PythonDocument(text);
    try {
        doc.analyze();
        const times: number[] = [];
        const line = text.split('\n').length - 5;
        for (let i = 0; i < 40; i++) {
            start = performance.now();
            doc.update([
                { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: i % 2 ? ' ' : 'x' },
            ]);
            doc.analyze();
            times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        t.diagnostic(
            `10k lines: fresh parse+analyze ${freshMs.toFixed(1)} ms; one-character edit p50 ` +
                `${times[20]!.toFixed(1)} ms, p95 ${times[38]!.toFixed(1)} ms`,
        );
    } finally {
        doc.dispose();
    }
});
