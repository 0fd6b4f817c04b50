import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { unreachableWhy } from '../../../src/extension/util';
import { termWords, uptimeWords, workerStateWords } from '../../../src/extension/views/words';

void test('worker states in words, never raw enums', () => {
    assert.equal(workerStateWords('IDLE'), 'ready, idle');
    assert.equal(workerStateWords('ERROR'), 'failed');
    assert.equal(workerStateWords('model_loading'), 'loading the model');
    assert.equal(workerStateWords('SOMETHING_NEW'), 'something new');
});

void test('query terms with units and symbols', () => {
    assert.equal(termWords('gpu_ram>=12'), 'gpu_ram ≥ 12 GB (12000 MB)');
    assert.equal(termWords('gpu_total_ram<0.5'), 'gpu_total_ram < 0.5 GB (500 MB)');
    assert.equal(termWords('gpu_name in RTX_4090,RTX_5090'), 'gpu_name in RTX 4090, RTX 5090');
    assert.equal(termWords('gpu_name!=RTX_3090'), 'gpu_name ≠ RTX 3090');
    assert.equal(termWords('verified=true'), 'verified = true');
    assert.equal(termWords('num_gpus=1'), 'num_gpus = 1');
});

void test('uptime', () => {
    const now = 1_000_000_000_000;
    assert.equal(uptimeWords(now / 1000 - 30, now), '30 s');
    assert.equal(uptimeWords(now / 1000 - 3 * 3600 - 120, now), '3 h 2 min');
    assert.equal(uptimeWords(undefined, now), undefined);
});

void test('why a service is unreachable, in words', () => {
    const cancelled = new Error('Cancelled while trying to list deployments');
    assert.equal(unreachableWhy(cancelled, 15_000), 'no answer within 15 s; is this machine offline?');
    const dns = Object.assign(new TypeError('fetch failed'), {
        cause: new Error('getaddrinfo ENOTFOUND console.vast.ai'),
    });
    assert.match(unreachableWhy(dns, 15_000)!, /name could not be resolved/);
    assert.equal(unreachableWhy(new Error('HTTP 500 - boom'), 15_000), undefined);
});
