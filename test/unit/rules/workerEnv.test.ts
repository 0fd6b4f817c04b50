/** env-unset-on-worker's wording: a certain KeyError, or a hedged one for what Vast's container may set. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { initPython } from '../../../src/shared/python/analyze';
import { fixturesDir } from '../../helpers/paths';
import { problemsOf } from './harness';

void before(async () => {
    await initPython();
});

void test('the message says KeyError on every worker, but only "may" for VAST_API_KEY', () => {
    const file = path.join(fixturesDir, 'rules', 'env-unset-on-worker', 'fire.py');
    const byName = new Map(
        problemsOf(fs.readFileSync(file, 'utf8'), file)
            .filter((p) => p.code === 'env-unset-on-worker')
            .map((p) => [/set (\w+) with image\.env/.exec(p.message)?.[1], p.message]),
    );
    assert.match(byName.get('MODEL_NAME') ?? '', /^Raises KeyError on every worker: a worker imports this file/);
    assert.match(
        byName.get('HF_TOKEN') ?? '',
        /image\.env\(HF_TOKEN=\.\.\.\) \(its value is then uploaded in the package\)/,
    );
    assert.match(
        byName.get('VAST_API_KEY') ?? '',
        /^May raise KeyError on workers: a worker imports this file, and VAST_API_KEY is set there only if Vast's container provides it .*the local emulator does not set VAST_API_KEY\)/,
    );
});
