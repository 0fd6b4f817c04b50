import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { benchmarkStats, percentile, summarize } from '../../src/shared/benchmarkStats';

void describe('benchmark stats', () => {
    void test('percentile interpolates like numpy', () => {
        const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert.equal(percentile(s, 50), 5.5);
        assert.equal(percentile(s, 95), 9.55);
        assert.equal(percentile(s, 0), 1);
        assert.equal(percentile(s, 100), 10);
        assert.equal(percentile([42], 95), 42);
        assert.ok(Number.isNaN(percentile([], 50)));
    });

    void test('summarize sorts and rounds', () => {
        assert.deepEqual(summarize([30, 10, 20]), { count: 3, min: 10, p50: 20, p95: 29, max: 30, mean: 20 });
        assert.equal(summarize([]), null);
    });

    void test('errors, throughput, route vs worker', () => {
        const stats = benchmarkStats(
            [
                { ok: true, totalMs: 100, routeMs: 40, workerMs: 60 },
                { ok: true, totalMs: 300, routeMs: 100, workerMs: 200 },
                { ok: false, totalMs: 5, routeMs: 5, workerMs: 0, error: 'ValueError' },
                { ok: false, totalMs: 5, routeMs: 5, workerMs: 0, error: 'ValueError' },
                { ok: false, totalMs: 5, routeMs: 5, workerMs: 0, error: 'HTTP 500' },
            ],
            1000,
        );
        assert.equal(stats.runs, 5);
        assert.equal(stats.ok, 2);
        assert.equal(stats.errors, 3);
        assert.equal(stats.throughput, 2);
        assert.equal(stats.latency?.p50, 200);
        assert.equal(stats.route?.max, 100);
        assert.equal(stats.worker?.min, 60);
        assert.deepEqual(stats.errorCounts, [
            { message: 'ValueError', count: 2 },
            { message: 'HTTP 500', count: 1 },
        ]);
    });
});
