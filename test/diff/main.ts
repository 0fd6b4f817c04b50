/**
 * `npm run diff-sdk [N] [--seed S] [--jobs J] [--exclude feature,...] [--shrink-budget B]`: N generated deployment
 * files (default 500) through the official SDK and through `package --json`; prints each kind of mismatch with the
 * smallest file that shows it, then the count per outcome class (last line, JSON).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURES, caseSeed, generateCase, renderCase, type Feature } from './generate';
import { CaptureWorkers, describeTree, runCase, shrink, type CaseResult } from './run';

export interface DiffRunOptions {
    n: number;
    seed: number;
    /** The case seeds to run, instead of the first `n` of `seed` (see {@link seedsCoveringEveryShape}). */
    seeds?: number[];
    jobs: number;
    exclude: Feature[];
    onResult?: (r: CaseResult, done: number) => void;
}

/** Runs N cases with limited concurrency; results in case order. */
export async function runMany(o: DiffRunOptions, workers: CaptureWorkers, root: string): Promise<CaseResult[]> {
    const seeds = o.seeds ?? Array.from({ length: o.n }, (_, i) => caseSeed(o.seed, i));
    const results: CaseResult[] = new Array(seeds.length);
    let next = 0;
    let done = 0;
    const lane = async () => {
        while (next < seeds.length) {
            const i = next++;
            const r = await runCase(generateCase(seeds[i]!, o.exclude), workers, root);
            results[i] = r;
            o.onResult?.(r, ++done);
        }
    };
    await Promise.all(Array.from({ length: o.jobs }, lane));
    return results;
}

/**
 * The first `n` case seeds of `seed`, plus, for each shape none of them uses, the first later case that does (at
 * most `extra` more): a small fixed sample that still exercises every shape the generator has.
 */
export function seedsCoveringEveryShape(
    seed: number,
    n: number,
    extra: number,
): { seeds: number[]; missing: Feature[] } {
    const seeds = Array.from({ length: n }, (_, i) => caseSeed(seed, i));
    const seen = new Set(seeds.flatMap((s) => generateCase(s, []).features));
    for (let i = n; i < n + extra && seen.size < FEATURES.length; i++) {
        const s = caseSeed(seed, i);
        const features = generateCase(s, []).features;
        if (features.some((f) => !seen.has(f))) {
            seeds.push(s);
            features.forEach((f) => seen.add(f));
        }
    }
    return { seeds, missing: FEATURES.filter((f) => !seen.has(f)) };
}

export function countByClass(results: CaseResult[]): Record<string, number> {
    const counts: Record<string, number> = { match: 0, 'both-refuse': 0, 'we-refuse': 0, mismatch: 0 };
    for (const r of results) counts[r.outcome.cls] = (counts[r.outcome.cls] ?? 0) + 1;
    return counts;
}

async function main(): Promise<void> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            seed: { type: 'string', default: '1' },
            jobs: { type: 'string', default: '2' },
            exclude: { type: 'string', default: '' },
            'shrink-budget': { type: 'string', default: '40' },
        },
    });
    const exclude = (values.exclude ?? '').split(',').filter((x) => x !== '') as Feature[];
    for (const f of exclude) {
        if (!(FEATURES as readonly string[]).includes(f)) {
            throw new Error(`unknown feature ${f}; one of ${FEATURES.join(', ')}`);
        }
    }
    const o: DiffRunOptions = {
        n: Number(positionals[0] ?? 500),
        seed: Number(values.seed),
        jobs: Math.max(1, Number(values.jobs)),
        exclude,
    };
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-diff-sdk-'));
    const workers = new CaptureWorkers(o.jobs);
    const started = Date.now();
    // Running counts on every progress line: a long run stopped early still says where it stood.
    const running: Record<string, number> = { match: 0, 'both-refuse': 0, 'we-refuse': 0, mismatch: 0 };
    o.onResult = (r, done) => {
        running[r.outcome.cls] = (running[r.outcome.cls] ?? 0) + 1;
        if (done % 25 === 0 || done === o.n) {
            const secs = Math.round((Date.now() - started) / 1000);
            process.stderr.write(`diff-sdk: ${done}/${o.n} (${secs} s) ${JSON.stringify(running)}\n`);
        }
        if (r.outcome.cls === 'mismatch') {
            process.stderr.write(`  mismatch seed ${r.case.seed}: ${r.outcome.diffs[0]?.kind}\n`);
        }
    };
    try {
        const results = await runMany(o, workers, root);
        const groups = new Map<string, CaseResult[]>();
        for (const r of results.filter((x) => x.outcome.cls === 'mismatch')) {
            const kind = r.outcome.diffs[0]?.kind ?? '?';
            groups.set(kind, [...(groups.get(kind) ?? []), r]);
        }
        for (const [kind, rs] of groups) {
            const smallest = rs.reduce((a, b) => (renderCase(b.case).length < renderCase(a.case).length ? b : a));
            process.stderr.write(`diff-sdk: shrinking the smallest ${kind} file (seed ${smallest.case.seed})\n`);
            const min = await shrink(smallest, workers, root, Number(values['shrink-budget']));
            const copies = renderCase(min.case).includes('.copy(');
            console.log(`\n=== mismatch ${kind}: ${rs.length} file(s), seeds ${rs.map((r) => r.case.seed).join(' ')}`);
            for (const d of min.outcome.diffs) console.log(`  ${d.kind}: ${d.detail}`);
            console.log(
                `--- smallest file (seed ${min.case.seed}, features ${min.case.features.join(' ') || 'none'}):`,
            );
            console.log(renderCase(min.case));
            if (copies) console.log(`--- the tree it copies:\n${describeTree(min.case)}`);
        }
        const reasons = new Map<string, number>();
        for (const r of results.filter((x) => x.outcome.cls === 'we-refuse')) {
            const k = (r.outcome.reason ?? '').replace(/\d+/g, 'N').slice(0, 160);
            reasons.set(k, (reasons.get(k) ?? 0) + 1);
        }
        if (reasons.size > 0) {
            console.log('\nwe refuse, the SDK accepts (allowed), by reason:');
            for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${n} × ${k}`);
        }
        const counts = countByClass(results);
        console.log(
            JSON.stringify({
                diffSdk: {
                    n: o.n,
                    seed: o.seed,
                    exclude,
                    ...counts,
                    seconds: Math.round((Date.now() - started) / 1000),
                },
            }),
        );
        process.exitCode = counts.mismatch === 0 ? 0 : 1;
    } finally {
        workers.close();
        fs.rmSync(root, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main().catch((e: unknown) => {
        console.error(e instanceof Error ? e.stack : e);
        process.exit(2);
    });
}
