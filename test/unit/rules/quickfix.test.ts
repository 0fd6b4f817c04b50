/**
 * Quick fixes: applying a fix's edits to the text and re-analysing makes that problem go away and brings no new one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { initPython } from '../../../src/shared/python/analyze';
import { applyEdits, type Problem } from '../../../src/shared/rules';
import { fixturesDir } from '../../helpers/paths';
import { problemsOf } from './harness';

const rulesDir = path.join(fixturesDir, 'rules');

void before(async () => {
    await initPython();
});

function counts(problems: Problem[]): Map<string, number> {
    const m = new Map<string, number>();
    for (const p of problems) m.set(p.code, (m.get(p.code) ?? 0) + 1);
    return m;
}

/** Fixture and code whose every fix is applied, one at a time. */
const table: { fixture: string; code: string; fixes: number }[] = [
    { fixture: 'missing-benchmark/fire.py', code: 'missing-benchmark', fixes: 2 },
    { fixture: 'multiple-benchmarks/fire.py', code: 'multiple-benchmarks', fixes: 2 },
    { fixture: 'missing-autoscaling/fire.py', code: 'missing-autoscaling', fixes: 1 },
    { fixture: 'missing-autoscaling/fire-late.py', code: 'missing-autoscaling', fixes: 1 },
    { fixture: 'missing-image/fire.py', code: 'missing-image', fixes: 1 },
    { fixture: 'remote-not-async/fire.py', code: 'remote-not-async', fixes: 1 },
    { fixture: 'context-not-async-context-manager/fire.py', code: 'context-not-async-context-manager', fixes: 1 },
    { fixture: 'unknown-argument/fire.py', code: 'unknown-argument', fixes: 7 },
    { fixture: 'ignored-keyword/fire.py', code: 'ignored-keyword', fixes: 4 },
    { fixture: 'suspicious-units/fire.py', code: 'suspicious-units', fixes: 3 },
    { fixture: 'unnamed-deployment/fire.py', code: 'unnamed-deployment', fixes: 2 },
    { fixture: 'unknown-gpu-name/fire.py', code: 'unknown-gpu-name', fixes: 2 },
    { fixture: 'undefined-name/fire.py', code: 'undefined-name', fixes: 4 },
    // The float port's `Use 8000` (the other invalid-argument-type findings there have no fix).
    { fixture: 'invalid-argument-type/fire.py', code: 'invalid-argument-type', fixes: 1 },
];

void describe('quick fixes remove their problem', () => {
    for (const row of table) {
        void test(`${row.fixture} (${row.code})`, () => {
            const file = path.join(rulesDir, row.fixture);
            const text = fs.readFileSync(file, 'utf8');
            const problems = problemsOf(text, file);
            const before = counts(problems);
            const fixes = problems.filter((p) => p.code === row.code).flatMap((p) => p.fixes ?? []);
            assert.equal(fixes.length, row.fixes, 'number of fixes offered');
            for (const fix of fixes) {
                const fixed = applyEdits(text, fix.edits);
                assert.notEqual(fixed, text, fix.title);
                const after = counts(problemsOf(fixed, file));
                assert.ok(
                    (after.get(row.code) ?? 0) < (before.get(row.code) ?? 0),
                    `${fix.title}: ${row.code} still there in\n${fixed}`,
                );
                for (const [code, n] of after) {
                    assert.ok(n <= (before.get(code) ?? 0), `${fix.title} introduced ${code} in\n${fixed}`);
                }
            }
        });
    }
});

/** The exact text some fixes produce. */
function fixedText(fixture: string, code: string, title?: RegExp): string {
    const file = path.join(rulesDir, fixture);
    const text = fs.readFileSync(file, 'utf8');
    const fix = problemsOf(text, file)
        .filter((p) => p.code === code)
        .flatMap((p) => p.fixes ?? [])
        .find((f) => !title || title.test(f.title));
    assert.ok(fix, `no fix for ${code} in ${fixture}`);
    return applyEdits(text, fix.edits);
}

void describe('quick fix text', () => {
    void test('missing-benchmark: a sample per annotation, bool as 1 (the SDK refuses bool), defaults left out', () => {
        const t = fixedText('missing-benchmark/fire.py', 'missing-benchmark', /square/);
        assert.match(
            t,
            /@app\.remote\(benchmark_dataset=\[\{"x": 1, "scale": 1\.0, "label": "hello", "flag": 1\}\]\)\n/,
        );
    });

    void test('missing-benchmark on a bare @app.remote adds the parentheses', () => {
        const t = fixedText('missing-benchmark/fire.py', 'missing-benchmark', /health/);
        assert.match(t, /@app\.remote\(benchmark_dataset=\[\{\}\]\)\nasync def health/);
    });

    void test('multiple-benchmarks removes the argument and its comma', () => {
        const t = fixedText('multiple-benchmarks/fire.py', 'multiple-benchmarks', /cube/);
        assert.match(t, /@app\.remote\(benchmark_runs=3\) {2}# expect/);
    });

    void test('missing-autoscaling goes after a multi-line image statement when there is no ensure_ready', () => {
        const t = fixedText('missing-autoscaling/fire.py', 'missing-autoscaling');
        assert.match(t, / {4}gpu_ram >= 24000,\n\)\napp\.configure_autoscaling\(\)\nx = 1\n/);
    });

    void test('missing-autoscaling goes before ensure_ready, indented like it', () => {
        const t = fixedText('missing-autoscaling/fire-late.py', 'missing-autoscaling');
        assert.match(t, /\n {4}app\.configure_autoscaling\(\)\n {4}app\.ensure_ready\(\)\n/);
    });

    void test('context-not-async-context-manager adds the missing method to the class body', () => {
        const t = fixedText('context-not-async-context-manager/fire.py', 'context-not-async-context-manager');
        assert.match(t, /return self\n\n {4}async def __aexit__\(self, \*exc\):\n {8}return None\n/);
    });

    void test('remote-not-async adds async', () => {
        assert.match(fixedText('remote-not-async/fire.py', 'remote-not-async'), /\nasync def square\(x\):/);
    });

    void test('suspicious-units multiplies by 1000', () => {
        assert.match(fixedText('suspicious-units/fire.py', 'suspicious-units', /24000/), /gpu_ram >= 24000\)/);
        assert.match(fixedText('suspicious-units/fire.py', 'suspicious-units', /64500/), /cpu_ram > 64500,/);
    });

    void test('unnamed-deployment names it after the file, replacing name=None', () => {
        const t = fixedText('unnamed-deployment/fire.py', 'unnamed-deployment', /fire/);
        assert.match(t, /app = Deployment\(name="fire"\)/);
        const all = problemsOf(fs.readFileSync(path.join(rulesDir, 'unnamed-deployment/fire.py'), 'utf8'), 'x.py');
        const second = all.filter((p) => p.code === 'unnamed-deployment')[1]?.fixes?.[0];
        assert.ok(second);
        assert.deepEqual(
            second.edits.map((e) => e.newText),
            ['"x"'],
        );
    });

    void test('a positional Deployment argument becomes name=', () => {
        const t = fixedText('unknown-argument/fire.py', 'unknown-argument', /name=/);
        assert.match(t, /other = Deployment\(name="other"\)/);
    });
});
