/**
 * Table-driven rules tests: every code has fixtures under test/fixtures/rules/<code>/ — `fire*` (a .py file, or a
 * folder = a small workspace) whose `# expect: <code>` markers list exactly where the code fires, and `quiet*` where
 * it must not. The SDK's compat cases are correct files: they produce no errors or warnings.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { initPython } from '../../../src/shared/python/analyze';
import { ALL_CODES } from '../../../src/shared/rules';
import { compatCasesDir, fixturesDir } from '../../helpers/paths';
import { allowedCodes, expectedLines, load, runRules } from './harness';

const rulesDir = path.join(fixturesDir, 'rules');

void before(async () => {
    await initPython();
});

for (const code of ALL_CODES) {
    void describe(`rule ${code}`, () => {
        const dir = path.join(rulesDir, code);
        const entries = fs.existsSync(dir)
            ? fs.readdirSync(dir).filter((e) => /^(fire|quiet)/.test(e) && (e.endsWith('.py') || !e.includes('.')))
            : [];

        void test('has a firing and a quiet fixture', () => {
            assert.ok(
                entries.some((e) => e.startsWith('fire')),
                `no fire fixture in ${dir}`,
            );
            assert.ok(
                entries.some((e) => e.startsWith('quiet')),
                `no quiet fixture in ${dir}`,
            );
        });

        for (const entry of entries) {
            void test(entry, () => {
                const files = load(path.join(dir, entry));
                const problems = runRules(files);
                let markers = 0;
                for (const f of files) {
                    const want = expectedLines(f.text, code).sort((a, b) => a - b);
                    markers += want.length;
                    const got = (problems.get(f.path) ?? [])
                        .filter((p) => p.code === code)
                        .map((p) => p.range.start.line)
                        .sort((a, b) => a - b);
                    assert.deepEqual(got, want, `${path.relative(rulesDir, f.path)}: lines (0-based) of ${code}`);
                }
                if (entry.startsWith('fire')) {
                    assert.ok(markers > 0, 'a fire fixture needs # expect: markers');
                    return;
                }
                assert.equal(markers, 0, 'a quiet fixture has no markers');
                // Quiet fixtures are correct files: no other error or warning either, unless a header allows it.
                for (const f of files) {
                    const allowed = allowedCodes(f.text);
                    const loud = (problems.get(f.path) ?? []).filter(
                        (p) => (p.severity === 'error' || p.severity === 'warning') && !allowed.includes(p.code),
                    );
                    assert.deepEqual(
                        loud.map((p) => `${p.range.start.line}: ${p.code}`),
                        [],
                        path.relative(rulesDir, f.path),
                    );
                }
            });
        }
    });
}

void describe('SDK compat cases (correct files)', () => {
    const cases = fs.readdirSync(compatCasesDir).sort();
    void test('there are cases', () => assert.ok(cases.length >= 6));
    for (const name of cases) {
        void test(name, () => {
            const files = load(path.join(compatCasesDir, name, 'app.py'));
            const problems = [...runRules(files).values()].flat();
            const loud = problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
            assert.deepEqual(
                loud.map((p) => `${p.code}: ${p.message}`),
                [],
            );
            const info = problems.filter((p) => p.severity === 'information').map((p) => p.code);
            // The one case with a two-item dataset gets the SDK-bug note; the rest are fully literal and clean.
            assert.deepEqual(info, name === 'ignore-changes' ? ['benchmark-dataset-last-item-only'] : []);
        });
    }
});
