// Preloaded (`node --require`) into our language server by scripts/bench/analysis.mjs: counts the server's garbage
// collections by kind, with their total pause, and writes them as JSON to $VAST_BENCH_GC_OUT when the process exits
// (and to $VAST_BENCH_GC_OUT.start on SIGUSR2).
// Young GCs and full GCs are what the latency tail of the edit benches is made of. A bench helper, not product code.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file: node --require preloads it */
const fs = require('node:fs');
const { PerformanceObserver, constants } = require('node:perf_hooks');

const out = process.env.VAST_BENCH_GC_OUT;
const KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'young',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'full',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental_marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak_callbacks',
};
const gc = {};
if (out) {
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            const kind = KINDS[e.detail?.kind] ?? 'other';
            const k = (gc[kind] ??= { count: 0, ms: 0 });
            k.count++;
            k.ms += e.duration;
        }
    }).observe({ entryTypes: ['gc'] });
    const write = (file) => {
        const rounded = Object.fromEntries(
            Object.entries(gc).map(([kind, k]) => [kind, { count: k.count, ms: Math.round(k.ms * 10) / 10 }]),
        );
        fs.writeFileSync(file, JSON.stringify(rounded));
    };
    // SIGUSR2: the counts so far (the bench asks before its edits, to count the edits' GCs only).
    process.on('SIGUSR2', () => write(`${out}.start`));
    process.on('exit', () => write(out));
}
