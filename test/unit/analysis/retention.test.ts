// An open document's old texts must die young. Each keystroke in a long file makes a new copy of its text (a large
// object in V8); if something keeps the copies of the last keystrokes alive through a young-generation GC, they are all
// promoted to the old generation and only full GCs free them, which is what made the language server's latency tail
// (scripts/bench/analysis.mjs). The measure needs `--expose-gc`, so this file runs itself in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import { initPython, PythonDocument } from '../../../src/shared/python/analyze';

const CHILD = 'VAST_RETENTION_CHILD';
const EDITS = 30;

/** Large old-generation objects promoted by two young GCs after EDITS keystrokes, in texts' worth. */
async function promotedTexts(): Promise<number> {
    await initPython();
    const deployment =
        'from vastai import Deployment\napp = Deployment(name="svc")\n\n' +
        '@app.remote(benchmark_dataset=[{"x": 1}])\nasync def f(x):\n    return x\n\napp.ensure_ready()\n';
    let body = '';
    for (let i = 0; body.length < 300_000; i++) {
        body += `def helper_${i}(items):\n    return [x * ${i} for x in items]\n\n`;
    }
    let text = deployment + body;
    const doc = new PythonDocument(text);
    doc.analyze();
    // Type and delete a letter in the first helper's name, analysing after each keystroke as the server does.
    const at = deployment.length + 'def help'.length;
    const pos = { line: deployment.split('\n').length - 1, character: 'def help'.length };
    const edit = (i: number): void => {
        const insert = i % 2 === 0;
        const end = insert ? pos : { line: pos.line, character: pos.character + 1 };
        text = insert ? `${text.slice(0, at)}x${text.slice(at)}` : text.slice(0, at) + text.slice(at + 1);
        doc.update([{ range: { start: pos, end }, text: insert ? 'x' : '' }], text);
        doc.analyze();
    };
    const gc = (globalThis as { gc?: (o?: { type: 'minor' | 'major' }) => void }).gc;
    if (!gc) throw new Error('run with --expose-gc');
    // Warm up, then a full GC: the long-lived objects (module state, caches) are old, as in a server that has run.
    for (let i = 0; i < 20; i++) edit(i);
    gc();
    gc();
    const largeOld = (): number =>
        v8.getHeapSpaceStatistics().find((s) => s.space_name === 'large_object_space')?.space_used_size ?? 0;
    const before = largeOld();
    for (let i = 0; i < EDITS; i++) edit(i);
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    return (largeOld() - before) / text.length;
}

if (process.env[CHILD]) {
    void promotedTexts().then(
        (n) => console.log(JSON.stringify({ promotedTexts: n })),
        (err: unknown) => {
            console.error(err);
            process.exit(1);
        },
    );
} else {
    void test(`old texts of an edited document do not survive young GCs (${EDITS} keystrokes in a 300 KB file)`, () => {
        const r = spawnSync(process.execPath, ['--expose-gc', __filename], {
            env: { ...process.env, [CHILD]: '1' },
            encoding: 'utf8',
            timeout: 120_000,
        });
        assert.equal(r.status, 0, r.stderr);
        const { promotedTexts: n } = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { promotedTexts: number };
        // The current text (and the one before it, still referenced while the last keystroke is applied) may be
        // promoted; before the fix every one of the EDITS texts was.
        assert.ok(n < 6, `${n.toFixed(1)} texts promoted to the old generation by two young GCs`);
    });
}
