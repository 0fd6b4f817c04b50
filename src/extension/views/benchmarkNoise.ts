/**
 * Whether a difference between two benchmark runs is larger than their run-to-run noise. Ten calls per run can move
 * a p95 by ±20 % with nothing changed, so the view only colours a difference as a win or a loss when a bootstrap
 * says it is real: the calls of each run are resampled (with replacement) many times, the statistic's difference is
 * computed each time, and the difference counts only when its 95 % interval leaves out zero. Extremes (min, max) are
 * single calls: they count only when the two runs do not overlap at all. Pure and deterministic (seeded), so a run shows the same verdict every time.
 */
import { seededRandom } from '../../shared/seededRandom';

export type Stat = 'min' | 'p50' | 'p95' | 'max' | 'mean';

export interface NoiseVerdict {
    /** True when the 95 % interval of the difference (now − before) leaves out zero. */
    real: boolean;
    /** A short reason, for the delta's tooltip. */
    why: string;
}

const RESAMPLES = 400;
/** Below this many calls in either run nothing can be told apart. */
const MIN_CALLS = 3;

/** The q-th percentile (0..100) of sorted values, linear interpolation (as the run's own statistics). */
function pct(sorted: readonly number[], q: number): number {
    const pos = ((sorted.length - 1) * q) / 100;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function statOf(sorted: readonly number[], stat: Stat): number {
    switch (stat) {
        case 'min':
            return sorted[0]!;
        case 'max':
            return sorted[sorted.length - 1]!;
        case 'p50':
            return pct(sorted, 50);
        case 'p95':
            return pct(sorted, 95);
        case 'mean':
            return sorted.reduce((a, b) => a + b, 0) / sorted.length;
    }
}

function resample(values: readonly number[], rnd: () => number): number[] {
    const out = new Array<number>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[Math.floor(rnd() * values.length)]!;
    return out.sort((a, b) => a - b);
}

/**
 * The verdicts for several statistics of one measure (e.g. total latency) of two runs, from their successful calls'
 * values. Undefined for a statistic means "no verdict" (no values on one side).
 */
export function noiseVerdicts(
    now: readonly number[],
    before: readonly number[],
    stats: readonly Stat[],
): Partial<Record<Stat, NoiseVerdict>> {
    const out: Partial<Record<Stat, NoiseVerdict>> = {};
    if (now.length === 0 || before.length === 0) return out;
    const calls = `${now.length} vs ${before.length} calls`;
    if (now.length < MIN_CALLS || before.length < MIN_CALLS) {
        for (const s of stats) out[s] = { real: false, why: `too few calls to tell (${calls})` };
        return out;
    }
    const apart = Math.min(...now) > Math.max(...before) || Math.max(...now) < Math.min(...before);
    const rnd = seededRandom(now.length * 7919 + before.length);
    const diffs = new Map<Stat, number[]>(stats.map((s) => [s, []]));
    for (let i = 0; i < RESAMPLES; i++) {
        const a = resample(now, rnd);
        const b = resample(before, rnd);
        for (const s of stats) diffs.get(s)!.push(statOf(a, s) - statOf(b, s));
    }
    for (const s of stats) {
        if (s === 'min' || s === 'max') {
            // One call each; it counts only when the two runs do not overlap at all.
            out[s] = apart
                ? { real: true, why: `every call of one run was slower than every call of the other (${calls})` }
                : { real: false, why: 'a single call: not a trend' };
            continue;
        }
        const d = diffs.get(s)!.sort((x, y) => x - y);
        const lo = pct(d, 2.5);
        const hi = pct(d, 97.5);
        const real = lo > 0 || hi < 0;
        out[s] = {
            real,
            why: real
                ? `beyond run-to-run noise (95 % interval of the change excludes 0; ${calls})`
                : `within run-to-run noise (${calls}): a rerun could show this much change`,
        };
    }
    return out;
}
