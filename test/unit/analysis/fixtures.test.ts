// The analysis fixtures in test/fixtures/python: several deployments and import styles, contexts, remotes on
// imported apps, files mid-edit and ignore comments.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { fixturesDir } from '../../helpers/paths';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import type { FileAnalysis } from '../../../src/shared/model';
import { summarize, type DeploymentSummary } from './summary';

function analyzeFixture(name: string): FileAnalysis {
    return analyzePython(fs.readFileSync(path.join(fixturesDir, 'python', name), 'utf8'));
}

function pick(d: DeploymentSummary, keys: (keyof DeploymentSummary)[]): Partial<DeploymentSummary> {
    return Object.fromEntries(keys.map((k) => [k, d[k]]));
}

void describe('analysis fixtures', () => {
    before(() => initPython());

    void test('multi-deployments.py: three deployments reached three ways, each with its own calls', () => {
        const result = analyzeFixture('multi-deployments.py');
        assert.deepEqual(result.imports, {
            deploymentNames: ['D', 'Deployment'],
            vastaiModules: ['v'],
            queryModules: ['q'],
            queryNames: { Column: 'Column', G: 'RTX_4090' },
            getContextNames: [],
        });
        const [first, second, third] = result.deployments.map(summarize);
        assert.equal(result.deployments.length, 3);
        const keys: (keyof DeploymentSummary)[] = [
            'variable',
            'call',
            'remotes',
            'benchmarks',
            'image',
            'imageVariable',
        ];
        assert.deepEqual(pick(first!, [...keys, 'imageCalls', 'autoscaling', 'ensureReady', 'other']), {
            variable: 'first',
            call: "Deployment(name='first', tag='a')",
            remotes: ['async one(x:positional)'],
            benchmarks: ["one:dataset=[{'x': 1}]"],
            image: "image('img:1', storage=10)",
            imageVariable: 'img1',
            imageCalls: ["pip_install('a')", "require(gpu_name eq 'RTX 4090', gpu_ram gte 24000.0)"],
            autoscaling: ['configure_autoscaling(max_workers=2)'],
            ensureReady: 1,
            other: ['custom_method(1)'],
        });
        assert.deepEqual(pick(second!, [...keys, 'name', 'tag', 'imageCalls', 'autoscaling']), {
            variable: 'second',
            call: "Deployment('second', 'b')",
            remotes: ['async two(y:positional, z:keywordOnly=)'],
            benchmarks: [],
            image: "image('img:2')",
            imageVariable: undefined,
            // Positional arguments are api_key and ttl in deploy mode, never the name and tag.
            name: undefined,
            tag: undefined,
            imageCalls: ["env(K='v')"],
            autoscaling: ['configure_autoscaling(min_load=1)', 'configure_autoscaling(max_workers=3)'],
        });
        assert.deepEqual(pick(third!, [...keys, 'imageCalls', 'ensureReady']), {
            variable: 'third',
            call: 'Deployment()',
            remotes: ['three(a:positionalOnly, b:positional, rest:varArgs, c:keywordOnly, kw:varKwargs)'],
            benchmarks: [],
            image: "image('img:3')",
            imageVariable: 'img3',
            imageCalls: ["apt_get('curl')", 'require(num_gpus in [1, 2])'],
            ensureReady: 1,
        });
        // `@second.remote` without parentheses: no arguments, an empty argsRange right after the name.
        const bare = result.deployments[1]!.remotes[0]!.decorator;
        assert.deepEqual(bare.argsRange, { start: bare.methodRange.end, end: bare.methodRange.end });
        // ensure_ready inside `main()` runs later; the one under `if __name__` runs at import.
        assert.equal(result.deployments[0]!.ensureReadyCalls[0]!.inFunction, undefined);
        assert.equal(result.deployments[2]!.ensureReadyCalls[0]!.inFunction, true);
        // The remote's ranges: whole definition with its decorator, the name, and `def ...:` for quick fixes.
        const three = result.deployments[2]!.remotes[0]!;
        assert.equal(three.isAsync, false);
        assert.deepEqual(three.range.start, { line: 22, character: 0 });
        assert.deepEqual(three.nameRange, { start: { line: 23, character: 4 }, end: { line: 23, character: 9 } });
        assert.deepEqual(three.defRange, { start: { line: 23, character: 0 }, end: { line: 23, character: 35 } });
    });

    void test('contexts.py: context classes, non-classes, and get_context through the app and imported bare', () => {
        const result = analyzeFixture('contexts.py');
        assert.deepEqual(result.imports.getContextNames, ['gc']);
        const d = summarize(result.deployments[0]!);
        assert.deepEqual(d.contexts, ['class Good(Base) [__aenter__, __aexit__]', 'def not_a_class() []']);
        assert.deepEqual(d.contextUses, ['Good', 'Good', '?']);
        assert.deepEqual(d.benchmarks, ['f:dataset=[{}]']);
        const good = result.deployments[0]!.contexts[0]!;
        assert.equal(good.decorator.args.length, 2);
        assert.deepEqual(good.nameRange, { start: { line: 6, character: 6 }, end: { line: 6, character: 10 } });
    });

    void test('foreign-remotes.py: remotes on apps imported from other modules', () => {
        const result = analyzeFixture('foreign-remotes.py');
        assert.equal(result.deployments.length, 0);
        assert.equal(result.mentionsVastai, false);
        assert.deepEqual(
            result.foreignRemotes.map((f) => [
                f.variable,
                f.module,
                f.importedName,
                f.remote.name,
                !!f.remote.benchmark,
            ]),
            [
                ['app', '.app', 'app', 'f', true],
                ['dep', 'service', 'deployment', 'g', false],
            ],
        );
    });

    void test('mid-edit.py: deployments and calls survive unfinished statements', () => {
        const result = analyzeFixture('mid-edit.py');
        assert.ok(result.syntaxErrors.length > 0);
        const [app, other] = result.deployments.map(summarize);
        assert.deepEqual(pick(app!, ['variable', 'name', 'remotes', 'image', 'imageVariable', 'autoscaling']), {
            variable: 'app',
            name: "'still-here'",
            remotes: ['async f(x:positional)'],
            image: "image('img', storage=<dyn >)",
            imageVariable: 'image',
            autoscaling: ['configure_autoscaling(min_load=10)'],
        });
        assert.deepEqual(pick(other!, ['variable', 'name', 'tag', 'call']), {
            variable: 'other',
            name: "'second'",
            tag: '<dyn >',
            call: "Deployment(name='second', tag=<dyn >)",
        });
        // The unfinished `tag=` value is an empty range right after the `=`, where a completion would insert.
        const tag = result.deployments[1]!.tag!;
        assert.deepEqual(tag.range, { start: { line: 13, character: 38 }, end: { line: 13, character: 38 } });
    });

    void test('ignores.py: `# vast: ignore[...]` by line; mentions in strings and other words do not count', () => {
        assert.deepEqual(analyzeFixture('ignores.py').ignores, { 2: ['unnamed-deployment'], 4: [], 5: ['a', 'b'] });
    });
});
