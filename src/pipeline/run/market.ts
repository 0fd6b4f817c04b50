/**
 * Machines and prices before deploying: the offers search `vastai search offers` makes, with the deployment's own
 * `search_params` and `storage`, summarized for one worker and for `max_workers`.
 */
import type { VastClient } from '../api/client';
import type { DeploymentSpec } from '../packaging';
import { offersQuery, OFFERS_LIMIT } from '../../shared/market/query';
import { summarizeOffers, type MarketSummary, type Offer } from '../../shared/market/summary';
export { NO_MACHINE_ADVICE } from '../../shared/market/summary';

export interface MarketResult extends MarketSummary {
    /** The body sent to `/api/v0/bundles/`. */
    query: Record<string, unknown>;
    /** Query fields the emulator's synthetic machines do not have (they did not filter). */
    ignoredFields: string[];
}

/** The fields of a deployment the search needs (a spec, or a PUT body's `search_params`/`storage`/`max_workers`). */
export interface MarketInput {
    searchParams: string;
    storage: number;
    maxWorkers?: number;
}

export function marketInput(spec: DeploymentSpec): MarketInput {
    const mw = spec.autoscaling.max_workers;
    return {
        searchParams: spec.searchParams,
        storage: spec.storage,
        maxWorkers: typeof mw === 'number' ? mw : undefined,
    };
}

/** The offers answer for a query, before any `max_workers` is applied (what a cache keeps). */
export interface OffersAnswer {
    query: Record<string, unknown>;
    offers: Offer[];
    synthetic: boolean;
    ignoredFields: string[];
}

/** Searches offers for `search_params` and `storage` (GB), cheapest first. */
export async function fetchOffers(
    client: VastClient,
    input: Pick<MarketInput, 'searchParams' | 'storage'>,
    opts: { signal?: AbortSignal } = {},
): Promise<OffersAnswer> {
    const query = offersQuery(input.searchParams, input.storage);
    const r = await client.searchOffers(query, { signal: opts.signal });
    return { query, offers: r.offers as Offer[], synthetic: r.synthetic, ignoredFields: r.ignoredFields };
}

/** What an offers answer means for `maxWorkers` workers. */
export function marketResult(answer: OffersAnswer, maxWorkers: number | undefined): MarketResult {
    return {
        ...summarizeOffers(answer.offers, { maxWorkers, limit: OFFERS_LIMIT, synthetic: answer.synthetic }),
        query: answer.query,
        ignoredFields: answer.ignoredFields,
    };
}

/** Searches offers for the deployment's requirements and summarizes them. */
export async function searchMachines(
    client: VastClient,
    input: MarketInput,
    opts: { signal?: AbortSignal } = {},
): Promise<MarketResult> {
    return marketResult(await fetchOffers(client, input, opts), input.maxWorkers);
}

/**
 * Why no worker can be created for these requirements: no offer matches them now (a workergroup then creates no
 * worker and its endpoint waits). Undefined when some match, or when the search itself fails (it says nothing then).
 */
export async function noMachineMessage(
    client: VastClient,
    input: Pick<MarketInput, 'searchParams' | 'storage'>,
    opts: { signal?: AbortSignal } = {},
): Promise<string | undefined> {
    let answer: OffersAnswer;
    try {
        answer = await fetchOffers(client, input, opts);
    } catch {
        return undefined;
    }
    if (answer.offers.length > 0) return undefined;
    return `no machine matches the deployment's image.require(...) (search_params: ${input.searchParams})`;
}
