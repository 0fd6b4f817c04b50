// Every way a file can reach `Deployment` and the query module; each row must yield the deployment `app`.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { repr } from './summary';

/** [imports, the Deployment callee, a query expression, what the query reads as] */
const rows: [string, string, string, string][] = [
    [
        'from vastai import Deployment\nfrom vastai.data.query import gpu_name, RTX_4090',
        'Deployment',
        'gpu_name == RTX_4090',
        "gpu_name eq 'RTX 4090'",
    ],
    [
        'from vastai import Deployment as D\nfrom vastai.data import query as q',
        'D',
        'q.num_gpus >= 1',
        'num_gpus gte 1',
    ],
    ['import vastai\nimport vastai.data.query as q', 'vastai.Deployment', 'q.gpu_ram > 1', 'gpu_ram gt 1'],
    [
        'import vastai as v\nfrom vastai.data.query import Column',
        'v.Deployment',
        'Column("gpu_ram") >= 1',
        'gpu_ram gte 1',
    ],
    [
        'from vastai.serverless.remote import Deployment\nfrom vastai.data.query import *',
        'Deployment',
        'num_gpus == 2',
        'num_gpus eq 2',
    ],
    [
        'import vastai.serverless.remote\nimport vastai.data.query',
        'vastai.serverless.remote.Deployment',
        'vastai.data.query.num_gpus == 2',
        'num_gpus eq 2',
    ],
    [
        'from vastai import *\nfrom vastai.data.query import gpu_name as g, H100_SXM as H',
        'Deployment',
        'g != H',
        "gpu_name neq 'H100 SXM'",
    ],
    [
        'try:\n    from vastai import Deployment\nexcept ImportError:\n    pass\nfrom vastai.data.query import (\n    num_gpus,\n)',
        'Deployment',
        'num_gpus < 3',
        'num_gpus lt 3',
    ],
];

/** Callees that are not the SDK's Deployment: no deployment may be read. */
const negatives: [string, string][] = [
    ['from other import Deployment', 'Deployment'],
    ['import vastai', 'Deployment'],
    ['import vastai as v', 'vastai.Deployment'],
    ['from vastai import Deployment', 'Deployment.lookup'],
    ['from vastai import Deployment as D', 'Deployment'],
];

void describe('imports', () => {
    before(() => initPython());

    for (const [imports, callee, query, expected] of rows) {
        void test(`${imports.split('\n').join('; ')} -> ${callee}(...)`, () => {
            const text = `${imports}\n\napp = ${callee}(name="n")\nimg = app.image("i")\nimg.require(${query})\n`;
            const result = analyzePython(text);
            assert.equal(result.deployments.length, 1);
            const d = result.deployments[0]!;
            assert.equal(d.variable, 'app');
            assert.equal(d.name && repr(d.name), "'n'");
            const q = d.image?.calls[0]?.args[0]?.value;
            assert.ok(q);
            assert.equal(repr(q), expected);
        });
    }

    for (const [imports, callee] of negatives) {
        void test(`not a deployment: ${imports} -> ${callee}(...)`, () => {
            assert.deepEqual(analyzePython(`${imports}\napp = ${callee}(name="n")\n`).deployments, []);
        });
    }
});
