// The benchmark view: axis labels never overlap, changes within run-to-run noise are not called wins or losses,
// and a run where every call failed shows its failures instead of an empty breakdown.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { benchmarkStats } from '../../../src/shared/benchmarkStats';
import type { BenchmarkRecord } from '../../../src/extension/types';
import { noiseVerdicts } from '../../../src/extension/views/benchmarkNoise';
import { renderBenchmarkHtml } from '../../../src/extension/views/benchmarkHtml';
import { labelWidth, placeAxisLabels, type PlacedLabel } from '../../../src/extension/views/chartLayout';

function assertNoOverlap(placed: PlacedLabel[], min: number, max: number): void {
    for (const l of placed) {
        assert.ok(l.x - l.width / 2 >= min - 1e-9 && l.x + l.width / 2 <= max + 1e-9, `${l.text} inside the axis`);
    }
    for (let i = 1; i < placed.length; i++) {
        const a = placed[i - 1]!;
        const b = placed[i]!;
        assert.ok(a.x + a.width / 2 <= b.x - b.width / 2 + 1e-9, `${a.text} and ${b.text} overlap`);
    }
}

void describe('axis labels', () => {
    void test('p95 and p100, 5 % of the axis apart, do not overlap; far labels stay on their ticks', () => {
        const x = (p: number) => 56 + (p / 100) * 572;
        const placed = placeAxisLabels(
            [0, 50, 95, 100].map((p) => ({ text: `p${p}`, x: x(p) })),
            { min: 48, max: 640 },
        );
        assert.deepEqual(
            placed.map((l) => l.text),
            ['p0', 'p50', 'p95', 'p100'],
        );
        assertNoOverlap(placed, 48, 640);
        assert.equal(placed[1]!.x, x(50), 'p50 is centred on its tick');
        // The naive layout (each centred on its tick) ran p95 into p100 and p100 off the chart's edge.
        assert.ok(x(95) + labelWidth('p95') / 2 + 6 > x(100) - labelWidth('p100') / 2);
        assert.ok(x(100) + labelWidth('p100') / 2 > 640 - 12);
        assert.ok(placed[3]!.x + placed[3]!.width / 2 <= 640);
        assert.ok(
            placed.every((l) => Math.abs(l.x - l.tick) < 30),
            'each label stays near its tick',
        );
    });

    void test('close and identical values, at random: never an overlap, always inside', () => {
        let seed = 42;
        const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        for (let round = 0; round < 500; round++) {
            const n = 1 + Math.floor(rnd() * 8);
            const base = rnd() * 300;
            const labels = Array.from({ length: n }, (_, i) => ({
                text: `p${Math.floor(rnd() * 100)}`.repeat(1 + Math.floor(rnd() * 2)),
                x: base + rnd() * 40 * (rnd() < 0.3 ? 0 : 1),
                priority: i % 3,
            }));
            const placed = placeAxisLabels(labels, { min: 0, max: 320 });
            assert.ok(placed.length >= 1);
            assertNoOverlap(placed, 0, 320);
        }
    });

    void test('too many for the axis: the lowest priority goes first', () => {
        const placed = placeAxisLabels(
            [
                { text: 'p0', x: 10, priority: 1 },
                { text: 'p50', x: 20, priority: 0 },
                { text: 'p95', x: 30, priority: 2 },
            ],
            { min: 0, max: 50 },
        );
        assert.deepEqual(
            placed.map((l) => l.text),
            ['p0', 'p95'],
        );
        assertNoOverlap(placed, 0, 50);
    });
});

void describe('noise', () => {
    // Ten calls with the spread a local run shows (~±25 %).
    const spread = [62, 70, 75, 80, 82, 85, 88, 95, 104, 118];
    // Another ten calls from the same service: its p95 is 18 % higher, by chance alone.
    const rerun = [55, 60, 66, 71, 79, 83, 90, 99, 120, 142];
    void test('±20 % on 10 spread calls is within noise', () => {
        const v = noiseVerdicts(rerun, spread, ['p50', 'p95', 'mean', 'max']);
        assert.equal(v.p50?.real, false, v.p50?.why);
        assert.equal(v.p95?.real, false, v.p95?.why);
        assert.equal(v.max?.real, false, 'a single call is never a trend');
        assert.match(v.p95!.why, /within run-to-run noise \(10 vs 10 calls\)/);
    });
    void test('a clear shift is real, either way', () => {
        const now = spread.map((v) => v * 2);
        assert.equal(noiseVerdicts(now, spread, ['p50']).p50?.real, true);
        assert.equal(noiseVerdicts(spread, now, ['mean']).mean?.real, true);
        const apart = spread.map((v) => v * 5);
        assert.equal(noiseVerdicts(apart, spread, ['min', 'max']).max?.real, true, 'no overlap: even the max');
        const overlapping = spread.map((v) => v * 1.5);
        assert.equal(noiseVerdicts(overlapping, spread, ['max']).max?.real, false, 'overlapping: the max is one call');
        const tight = Array.from({ length: 200 }, (_, i) => 100 + (i % 10));
        const tighter = tight.map((v) => v * 1.05);
        assert.equal(noiseVerdicts(tighter, tight, ['p50']).p50?.real, true, '5 % on 200 tight calls is real');
    });
    void test('too few calls: no verdict is "real"; no values: no verdict', () => {
        assert.equal(noiseVerdicts([1, 2], [10, 20], ['p50']).p50?.real, false);
        assert.deepEqual(noiseVerdicts([], [1, 2, 3], ['p50']), {});
    });
    void test('deterministic', () => {
        const now = spread.map((v) => v * 1.3);
        assert.deepEqual(noiseVerdicts(now, spread, ['p50', 'p95']), noiseVerdicts(now, spread, ['p50', 'p95']));
    });
});

const record = (ms: number[], failures: string[] = [], at = '2026-01-02T00:00:00Z'): BenchmarkRecord => {
    const samples = [
        ...ms.map((v) => ({ ok: true, totalMs: v, routeMs: 2, workerMs: v - 2 })),
        ...failures.map((error) => ({ ok: false, totalMs: 5, routeMs: 0, workerMs: 0, error })),
    ];
    return {
        name: 'svc',
        tag: 'default',
        target: 'local',
        function: 'f',
        at,
        concurrency: 10,
        stats: benchmarkStats(samples, 1000),
        calls: samples.map((s) => ({ ms: s.totalMs, ok: s.ok, routeMs: s.routeMs, workerMs: s.workerMs })),
    };
};

void describe('benchmark page', () => {
    const spread = [62, 70, 75, 80, 82, 85, 88, 95, 104, 118];
    void test('a noisy change is marked "≈" with its reason and explained once; a real one is coloured', () => {
        const rerun = [55, 60, 66, 71, 79, 83, 90, 99, 120, 142];
        const html = renderBenchmarkHtml(record(rerun), record(spread, [], '2026-01-01T00:00:00Z'), 'N', 'c:');
        assert.match(html, /<span class="delta noise" title="within run-to-run noise[^"]*">≈\+18%<\/span>/);
        assert.doesNotMatch(html, /class="delta better"/, 'no win claimed for a change inside the noise');
        assert.match(html, /≈ a change within run-to-run noise: .*10 vs 10 calls/);
        const real = renderBenchmarkHtml(
            record(spread.map((v) => v * 0.4)),
            record(spread, [], '2026-01-01T00:00:00Z'),
            'N',
            'c:',
        );
        assert.match(real, /<span class="delta better" title="beyond run-to-run noise[^"]*">−60%<\/span>/);
        assert.doesNotMatch(real, /≈/, 'nothing marked: no note either');
    });
    void test('every call failed: the failures with their counts and text, not an empty table', () => {
        const boom = 'Traceback (most recent call last):\n  File "app.py", line 9, in square\nValueError: <bad>';
        const html = renderBenchmarkHtml(
            record([], [boom, boom, boom, 'HTTP 502 from the worker']),
            undefined,
            'N',
            'c:',
        );
        assert.match(html, /All 4 calls failed/);
        assert.match(
            html,
            /<td class="count">3<\/td><td class="error"><pre>Traceback[^<]*ValueError: &lt;bad&gt;<\/pre>/,
        );
        assert.match(html, /<td class="count">1<\/td><td class="error"><pre>HTTP 502 from the worker<\/pre>/);
        assert.doesNotMatch(html, /<th>min<\/th>/, 'no empty latency table');
        assert.match(html, /No successful call: no latency to plot/);
    });
    void test('the rendered percentile axis: p95 and p100 apart', () => {
        const html = renderBenchmarkHtml(record(spread), undefined, 'N', 'c:');
        const xs = Object.fromEntries(
            [...html.matchAll(/<text class="axis" x="([\d.]+)" y="\d+" text-anchor="middle">(p\d+)<\/text>/g)].map(
                (m) => [m[2]!, Number(m[1])],
            ),
        );
        assert.deepEqual(Object.keys(xs), ['p0', 'p50', 'p95', 'p100']);
        assert.ok(xs.p95! + labelWidth('p95') / 2 <= xs.p100! - labelWidth('p100') / 2, JSON.stringify(xs));
    });
});
