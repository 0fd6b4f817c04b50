import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredWorkers, dockerEnv } from '../../src/emulator/scaling';

const quiet = { cap: 2, lastDemandAgo: Infinity, load: 0, perf: 0, running: 0 };

void test('desiredWorkers: defaults keep one worker; cap and max_workers bound it', () => {
    assert.equal(desiredWorkers({}, quiet), 1);
    assert.equal(desiredWorkers({ cold_workers: 5 }, quiet), 2);
    assert.equal(desiredWorkers({ cold_workers: 5, max_workers: 1 }, quiet), 1);
    assert.equal(desiredWorkers({ cold_workers: 5 }, { ...quiet, cap: 0 }), 0);
});

void test('desiredWorkers: scale to zero only with cold_workers 0 and min_load 0, woken by demand', () => {
    assert.equal(desiredWorkers({ cold_workers: 0 }, quiet), 1, 'min_load defaults to 1');
    const zero = { cold_workers: 0, min_load: 0 };
    assert.equal(desiredWorkers(zero, quiet), 0);
    assert.equal(desiredWorkers(zero, { ...quiet, lastDemandAgo: 1 }), 1);
    assert.equal(desiredWorkers({ ...zero, inactivity_timeout: 5 }, { ...quiet, lastDemandAgo: 6 }), 0);
    assert.equal(desiredWorkers({ ...zero, inactivity_timeout: -1 }, { ...quiet, running: 1 }), 1);
});

void test('desiredWorkers: load over perf asks for more workers', () => {
    assert.equal(desiredWorkers({ max_workers: 8 }, { ...quiet, cap: 8, load: 900, perf: 100 }), 8);
    assert.equal(desiredWorkers({ max_workers: 8, target_util: 0.5 }, { ...quiet, cap: 8, load: 100, perf: 100 }), 2);
    assert.equal(desiredWorkers({ min_load: 250 }, { ...quiet, cap: 4, perf: 100 }), 3);
});

void test('dockerEnv reads the -e pairs of the env string', () => {
    assert.deepEqual(dockerEnv('-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai -e ENV_PATH=/venv/main'), {
        REPORT_ADDR: 'https://run.vast.ai',
        ENV_PATH: '/venv/main',
    });
});
