// Every "New Deployment…" template is a deployment the language server finds nothing wrong with, that packages (the
// spec evaluates), and whose benchmark row has a sample value per parameter of its benchmark function.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { deploymentName, TEMPLATES } from '../../../src/extension/templates';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { specFromModel } from '../../../src/shared/packaging/spec';
import { sampleFor, sampleRow } from '../../../src/shared/sampleValues';
import { problemsOf } from '../rules/harness';

void before(async () => {
    await initPython();
});

for (const t of TEMPLATES) {
    void test(`template ${t.id}: no diagnostics, packages, benchmark from the parameters`, () => {
        const text = t.render('my-service');
        const file = path.join(os.tmpdir(), 'template', t.fileName);
        const problems = problemsOf(text, file);
        assert.deepEqual(
            problems.map((p) => `${p.code} line ${p.range.start.line + 1}: ${p.message}`),
            [],
        );
        const analysis = analyzePython(text);
        assert.equal(analysis.deployments.length, 1);
        const spec = specFromModel(analysis.deployments[0]!, file, { moduleName: '__main__' });
        assert.ok(spec.ok, JSON.stringify(!spec.ok && spec.errors));
        const m = /async def (\w+)\(([^)]*)\)/.exec(text.slice(text.indexOf('benchmark_dataset')))!;
        const params = m[2]!.split(',').map((p) => p.split(':').map((s) => s.trim()) as [string, string]);
        assert.ok(text.includes(`benchmark_dataset=[${sampleRow(params)}]`), `benchmark of ${m[1]} from ${m[2]}`);
        // A linter's unused-import check (ruff F401) passes on the new file as it is.
        for (const [, names] of text.matchAll(/^from \S+ import (.+)$/gm)) {
            for (const name of names!.split(',').map((n) => n.trim())) {
                const uses = text.match(new RegExp(`\\b${name}\\b`, 'g'))!.length;
                assert.ok(uses > 1, `${name} is imported but never used`);
            }
        }
    });
}

void test('sample values per annotation', () => {
    assert.equal(sampleFor('str'), '"hello"');
    assert.equal(sampleFor('int'), '1');
    assert.equal(sampleFor('list[str]'), '["hello"]');
    assert.equal(sampleFor('List[int]'), '[1]');
    assert.equal(sampleFor('Optional[float]'), '1.0');
    assert.equal(sampleFor(undefined), '"hello"');
    assert.equal(
        sampleRow([
            ['texts', 'list[str]'],
            ['top', 'int'],
        ]),
        '{"texts": ["hello"], "top": 1}',
    );
});

void test('deployment names from what the user typed', () => {
    assert.equal(deploymentName('  My Service! '), 'my-service');
    assert.equal(deploymentName('***'), 'my-app');
});
