/** Latency statistics for Benchmark (pure). Percentiles use linear interpolation between ranks (numpy's default). */

/** One benchmark call. Times in ms. */
export interface Sample {
    ok: boolean;
    totalMs: number;
    /** Time spent in `/route/` waiting for a worker. */
    routeMs: number;
    /** Time of the worker call itself. */
    workerMs: number;
    error?: string;
}

export interface Summary {
    count: number;
    min: number;
    p50: number;
    p95: number;
    max: number;
    mean: number;
}

export interface BenchmarkStats {
    runs: number;
    ok: number;
    errors: number;
    /** Total latency of successful calls. */
    latency: Summary | null;
    route: Summary | null;
    worker: Summary | null;
    wallMs: number;
    /** Successful calls per second of wall time. */
    throughput: number;
    /** Distinct error messages with counts, most frequent first. */
    errorCounts: { message: string; count: number }[];
}

/** The q-th percentile (0..100) of sorted values, linear interpolation. */
export function percentile(sorted: number[], q: number): number {
    if (sorted.length === 0) return NaN;
    const pos = ((sorted.length - 1) * q) / 100;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const a = sorted[lo]!;
    const b = sorted[hi]!;
    return a + (b - a) * (pos - lo);
}

/** min/p50/p95/max/mean of the values, or null when there are none. */
export function summarize(values: number[]): Summary | null {
    if (values.length === 0) return null;
    const s = [...values].sort((x, y) => x - y);
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
        count: s.length,
        min: s[0]!,
        p50: round(percentile(s, 50)),
        p95: round(percentile(s, 95)),
        max: s[s.length - 1]!,
        mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    };
}

/** Aggregates the samples of one benchmark run. */
export function benchmarkStats(samples: Sample[], wallMs: number): BenchmarkStats {
    const ok = samples.filter((s) => s.ok);
    const counts = new Map<string, number>();
    for (const s of samples) {
        if (!s.ok) counts.set(s.error ?? 'unknown error', (counts.get(s.error ?? 'unknown error') ?? 0) + 1);
    }
    return {
        runs: samples.length,
        ok: ok.length,
        errors: samples.length - ok.length,
        latency: summarize(ok.map((s) => s.totalMs)),
        route: summarize(ok.map((s) => s.routeMs)),
        worker: summarize(ok.map((s) => s.workerMs)),
        wallMs,
        throughput: wallMs > 0 ? Math.round((ok.length / (wallMs / 1000)) * 1000) / 1000 : 0,
        errorCounts: [...counts.entries()]
            .map(([message, count]) => ({ message, count }))
            .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message)),
    };
}
