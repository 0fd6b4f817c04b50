/** os.environ reads: resolved from the given environment, listed for the plan with secret values masked. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { showEnvReads } from '../../../src/shared/packaging';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';

before(() => initPython());

const SRC =
    'import os\nfrom vastai import Deployment\napp = Deployment(name="e")\n' +
    'image = app.image(os.environ["IMG"], storage=16)\n' +
    'image.env(T=os.environ.get("HF_TOKEN", "x"), M=os.getenv("MODE", "dev"))\n';

void test('with an environment, reads resolve and are listed once each, secrets masked', () => {
    const a = analyzePython(SRC, { env: { IMG: 'img:1', HF_TOKEN: 'abc123' } });
    const image = a.deployments[0]?.image;
    assert.deepEqual(image?.call.args[0]?.value.kind === 'str' && image.call.args[0].value.value, 'img:1');
    assert.deepEqual(
        showEnvReads(a.envReads ?? []).map((r) => [r.name, r.shown]),
        [
            ['IMG', 'img:1'],
            ['HF_TOKEN', '•••• (6 characters)'],
            ['MODE', '(unset)'],
        ],
    );
});

void test('in the editor (no environment) reads stay dynamic and nothing is listed', () => {
    const a = analyzePython(SRC);
    assert.equal(a.deployments[0]?.image?.call.args[0]?.value.kind, 'dynamic');
    assert.equal(a.envReads, undefined);
});
