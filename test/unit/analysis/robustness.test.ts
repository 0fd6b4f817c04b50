// Analysis is total: truncated, mangled and garbage input never throws, and a deployment whose statement is complete
// is still found while the rest of the file is mid-edit.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { compatCasesDir, fixturesDir } from '../../helpers/paths';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { random } from './random';

const sources: [string, string][] = [
    ...fs.readdirSync(compatCasesDir).map((d): [string, string] => [d, path.join(compatCasesDir, d, 'app.py')]),
    ...fs
        .readdirSync(path.join(fixturesDir, 'python'))
        .filter((f) => f.endsWith('.py'))
        .map((f): [string, string] => [f, path.join(fixturesDir, 'python', f)]),
]
    .filter(([, file]) => fs.existsSync(file))
    .map(([name, file]) => [name, fs.readFileSync(file, 'utf8')]);

void describe('robustness', () => {
    before(() => initPython());

    for (const [name, text] of sources) {
        void test(`${name}: every prefix analyses, and keeps the deployment once its statement is complete`, () => {
            const full = analyzePython(text);
            const first = full.deployments[0];
            // End of the first deployment's statement, as a string offset.
            const lines = text.split('\n');
            const end = first
                ? lines.slice(0, first.range.end.line).join('\n').length + 1 + first.range.end.character
                : Infinity;
            for (let cut = 0; cut <= text.length; cut += 3) {
                const result = analyzePython(text.slice(0, cut));
                if (cut >= end && first) {
                    const names = result.deployments.map((d) => d.variable);
                    assert.ok(names.includes(first.variable), `${name} cut at ${cut}: ${names.join(',')}`);
                }
            }
        });

        void test(`${name}: random deletions and garbage never throw`, () => {
            const rnd = random(name.length * 7919);
            for (let i = 0; i < 150; i++) {
                let t = text;
                for (let k = 0; k < 1 + rnd.int(4); k++) {
                    const at = rnd.int(t.length + 1);
                    const len = rnd.int(20);
                    t = t.slice(0, at) + (rnd.int(2) ? rnd.garbage(rnd.int(12)) : '') + t.slice(at + len);
                }
                const result = analyzePython(t);
                assert.ok(Array.isArray(result.deployments));
            }
        });
    }

    void test('pure garbage, empty text and odd characters never throw', () => {
        const rnd = random(42);
        const inputs = ['', '\n', '\0', '\ud800', '"""', "'", '(((', 'Deployment(', 'from vastai import', '\t\t\x0c'];
        for (let i = 0; i < 200; i++) inputs.push(rnd.garbage(rnd.int(400)));
        for (const input of inputs) {
            const result = analyzePython(input);
            assert.equal(result.mentionsVastai, input.includes('vastai'));
        }
    });

    void test('deeply nested values fall back to dynamic instead of overflowing', () => {
        const deep = `${'['.repeat(3000)}1${']'.repeat(3000)}`;
        const result = analyzePython(`from vastai import Deployment\napp = Deployment(name=${deep})\n`);
        assert.equal(result.deployments.length, 1);
        assert.equal(result.deployments[0]!.name!.kind, 'list');
    });
});
