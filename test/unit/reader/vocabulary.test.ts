/**
 * Every copy of the SDK's query vocabulary is generated from ../shared/compat/query-vocabulary.json
 * (`npm run gen-vocabulary`): these tests fail as soon as a copy drifts from it, and check that every GPU constant,
 * lowercase ones included (`RTX_4070_Ti`, `Tesla_T4`), is read and accepted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { specFromModel } from '../../../src/shared/packaging';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { checkFile } from '../../../src/shared/rules';
import { GPU_NAMES, QUERY_COLUMNS } from '../../../src/shared/vocabulary';
import { repoRoot, sharedDir } from '../../helpers/paths';
import { fsContext } from '../rules/harness';

const source = JSON.parse(fs.readFileSync(path.join(sharedDir, 'compat', 'query-vocabulary.json'), 'utf8')) as {
    columns: Record<string, string>;
    gpu_names: Record<string, string>;
};
before(() => initPython());

void describe('vocabulary copies', () => {
    void test("the source lists the SDK's 144 GPU constants", () =>
        assert.equal(Object.keys(source.gpu_names).length, 144));
    void test('the TypeScript copy equals the source', () => {
        assert.deepEqual(GPU_NAMES, source.gpu_names);
        assert.deepEqual(QUERY_COLUMNS, source.columns);
    });
    void test("the emulator's Python copy equals the source", () => {
        const r = spawnSync(
            '/usr/bin/python3',
            [
                '-c',
                'import json, sys; sys.path.insert(0, sys.argv[1]); from vastai.data import _vocabulary as v; ' +
                    'print(json.dumps({"columns": v.COLUMNS, "gpu_names": v.GPU_NAMES}))',
                path.join(repoRoot, 'src', 'emulator', 'python'),
            ],
            { encoding: 'utf8' },
        );
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), source);
    });
    void test('gen-vocabulary --check reports no drift', () => {
        const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'genVocabulary.mjs'), '--check'], {
            encoding: 'utf8',
        });
        assert.equal(r.status, 0, r.stderr);
    });
});

const HEAD =
    'from vastai import Deployment\nfrom vastai.data.query import gpu_name\nimport vastai.data.query as q\n' +
    'app = Deployment(name="v")\n@app.remote(benchmark_dataset=[{"x": 1}])\nasync def f(x):\n    return x\n' +
    'app.configure_autoscaling()\nimage = app.image("img:1", storage=16)\n';

void describe('every GPU constant', () => {
    for (const [constant, gpu] of Object.entries(source.gpu_names)) {
        void test(constant, () => {
            const text = `${HEAD}image.require(gpu_name.in_([q.${constant}]))\n`;
            const d = analyzePython(text).deployments[0];
            assert.ok(d);
            const r = specFromModel(d, '/w/app.py');
            assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
            assert.ok(r.value.searchParams.endsWith(` gpu_name in ${gpu.replace(/ /g, '_')}`), r.value.searchParams);
            // The string form as search_params prints it is a name Vast knows: no false "no machine would match".
            const str = `${HEAD}image.require(gpu_name == "${gpu.replace(/ /g, '_')}")\n`;
            const problems = checkFile(analyzePython(str), fsContext('/w/app.py', str));
            assert.deepEqual(
                problems.filter((p) => p.code === 'unknown-gpu-name').map((p) => p.message),
                [],
            );
        });
    }
});
