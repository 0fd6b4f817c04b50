/** What the offers answer means for a deployment: how many machines match now, and what workers would cost. */

/** The fields of an offer this summary reads (the answer has many more). */
export interface Offer {
    id?: number;
    machine_id?: number;
    gpu_name?: string;
    num_gpus?: number;
    dph_total?: number;
    [field: string]: unknown;
}

export interface MarketSummary {
    /** Matching offers (capped by the search limit: `capped` says there may be more). */
    matches: number;
    capped: boolean;
    /** Distinct machines among the matches. */
    machines: number;
    /** $/h of the cheapest match (one worker), undefined with no match. */
    perWorker?: number;
    /** Median $/h of the matches. */
    median?: number;
    /** `max_workers` as configured (undefined: not set, the server's default applies). */
    maxWorkers?: number;
    /** $/h of `max_workers` workers on the cheapest distinct machines (fewer when fewer machines match). */
    atMax?: { workers: number; dph: number };
    /** GPU names of the matches, cheapest first, at most 5. */
    gpus: string[];
    /** The emulator's market: prices are made up. */
    synthetic: boolean;
    /** Set when nothing matches: workers would never start. */
    warning?: string;
}

export const NO_MATCH_WARNING = 'no machine matches: workers would never start';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Summarizes an offers answer (cheapest first or not) for `maxWorkers`. */
export function summarizeOffers(
    offers: readonly Offer[],
    opts: { maxWorkers?: number; limit?: number; synthetic?: boolean },
): MarketSummary {
    const priced = offers
        .filter((o) => typeof o.dph_total === 'number' && Number.isFinite(o.dph_total))
        .sort((a, b) => a.dph_total! - b.dph_total!);
    const byMachine = new Map<unknown, Offer>();
    for (const o of priced) {
        const k = o.machine_id ?? o.id ?? byMachine.size;
        if (!byMachine.has(k)) byMachine.set(k, o);
    }
    const cheapestPerMachine = [...byMachine.values()];
    const s: MarketSummary = {
        matches: offers.length,
        capped: opts.limit !== undefined && offers.length >= opts.limit,
        machines: byMachine.size,
        gpus: [...new Set(priced.map((o) => o.gpu_name).filter((g): g is string => typeof g === 'string'))].slice(0, 5),
        synthetic: opts.synthetic ?? false,
        maxWorkers: opts.maxWorkers,
    };
    if (priced.length === 0) {
        s.warning = NO_MATCH_WARNING;
        return s;
    }
    s.perWorker = round(priced[0]!.dph_total!);
    s.median = round(priced[Math.floor((priced.length - 1) / 2)]!.dph_total!);
    if (opts.maxWorkers !== undefined && opts.maxWorkers > 0) {
        const n = Math.min(opts.maxWorkers, cheapestPerMachine.length);
        s.atMax = { workers: n, dph: round(cheapestPerMachine.slice(0, n).reduce((t, o) => t + o.dph_total!, 0)) };
    }
    return s;
}

const usd = (n: number) => `$${n < 10 ? n.toFixed(3) : n.toFixed(2)}/h`;

/** One line for a CodeLens, a plan or the CLI: "12 machines match · from $0.352/h per worker · 3 workers: $1.10/h". */
export function marketLine(s: MarketSummary): string {
    const tag = s.synthetic ? ' (synthetic prices)' : '';
    if (s.warning) return `⚠ ${s.warning}${tag}`;
    const count = `${s.machines}${s.capped ? '+' : ''} machine${s.machines === 1 ? '' : 's'} match`;
    const parts = [count, `from ${usd(s.perWorker!)} per worker`];
    if (s.atMax) {
        const short = s.atMax.workers < (s.maxWorkers ?? 0) ? ` (only ${s.atMax.workers} machines)` : '';
        parts.push(`max_workers=${s.maxWorkers}: ${usd(s.atMax.dph)}${short}`);
    } else if (s.maxWorkers === undefined) {
        parts.push('max_workers not set');
    }
    return parts.join(' · ') + tag;
}

/** What follows from `noMachineMessage` (src/pipeline/run/market.ts), and what to do. */
export const NO_MACHINE_ADVICE =
    'the endpoint waits, with no worker (nothing bills), until an offer matches. Change image.require(...); ' +
    '`vast-deployments machines FILE` shows what matches';
