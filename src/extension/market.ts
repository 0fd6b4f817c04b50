import * as vscode from 'vscode';
import {
    fetchOffers,
    marketResult,
    type MarketInput,
    type MarketResult,
    type OffersAnswer,
} from '../pipeline/run/market';
import type { Connections } from './connection';
import { marketKey, unavailableReason, type MarketView } from './marketWords';
import { errorMessage } from './util';

const SEARCH_TIMEOUT_MS = 15_000;
/** How long an answer stands: prices move, but not per keystroke. */
const FRESH_MS = 60_000;
/** A failed search is tried again sooner. */
const ERROR_FRESH_MS = 10_000;
/** Typing changes the requirements on every keystroke: search only what stays put this long. */
const DEBOUNCE_MS = 300;

/** Rejects with the signal's reason when it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
    return new Promise((_, reject) => {
        const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('timed out'));
        if (signal.aborted) fail();
        else signal.addEventListener('abort', fail, { once: true });
    });
}

type Entry =
    /** `previous`: the answer being refreshed, still shown meanwhile. */
    | { kind: 'loading'; promise: Promise<OffersAnswer>; previous?: OffersAnswer }
    | { kind: 'ok'; answer: OffersAnswer; at: number }
    | { kind: 'error'; reason: string; error: unknown; at: number };

/**
 * Offers searches for the editor (lens, hover, Deploy plan), cached per target and (search_params, storage). The
 * lens asks without waiting (`peek`), the plan waits (`get`); every search has a time limit, so "searching" ends.
 */
export class MarketService implements vscode.Disposable {
    private entries = new Map<string, Entry>();
    /** The latest requirements per definition, waiting for the typing to pause. */
    private pending = new Map<string, MarketInput>();
    private timer?: NodeJS.Timeout;
    private generation = 0;
    private readonly changed = new vscode.EventEmitter<void>();
    /** A search finished (or the target changed): lenses and hovers re-read. */
    readonly onDidChange = this.changed.event;
    private readonly disposables: vscode.Disposable[] = [this.changed];

    constructor(
        private readonly connections: Connections,
        private readonly log: vscode.LogOutputChannel,
    ) {
        this.disposables.push(
            connections.onDidChange(() => {
                // Another target or key: nothing cached holds for it.
                this.generation++;
                this.entries.clear();
                this.changed.fire();
            }),
        );
    }

    /**
     * What is known now for `input`, without waiting; a missing or stale answer is searched (debounced per `slot`,
     * the definition asking).
     */
    peek(input: MarketInput, slot = marketKey(input)): MarketView {
        const e = this.entries.get(marketKey(input));
        if (!e || this.isStale(e)) this.want(input, slot);
        const answer = e?.kind === 'ok' ? e.answer : e?.kind === 'loading' ? e.previous : undefined;
        if (answer) return { kind: 'ok', result: marketResult(answer, input.maxWorkers) };
        if (e?.kind === 'error') return { kind: 'error', reason: e.reason };
        return { kind: 'loading' };
    }

    /**
     * The answer for `input`, searched now unless a fresh one is cached (`fresh`: search again anyway). Throws what
     * the search threw.
     */
    async get(input: MarketInput, opts: { signal?: AbortSignal; fresh?: boolean } = {}): Promise<MarketResult> {
        const e = this.entries.get(marketKey(input));
        let answer: OffersAnswer;
        if (e?.kind === 'ok' && !this.isStale(e) && !opts.fresh) answer = e.answer;
        else if (e?.kind === 'loading') answer = await e.promise;
        else answer = await this.search(input);
        opts.signal?.throwIfAborted();
        return marketResult(answer, input.maxWorkers);
    }

    /** Waits for the search of `input` to settle (the hover waits a little rather than saying "searching"). */
    async settled(input: MarketInput): Promise<MarketView> {
        const e = this.entries.get(marketKey(input));
        if (e?.kind === 'loading') await e.promise.catch(() => undefined);
        else if (!e) await this.search(input).catch(() => undefined);
        return this.peek(input);
    }

    private isStale(e: Entry): boolean {
        if (e.kind === 'loading') return false;
        return Date.now() - e.at > (e.kind === 'ok' ? FRESH_MS : ERROR_FRESH_MS);
    }

    /**
     * Searches `input` once the requirements stopped changing. `slot` is the definition asking: while typing, only
     * its latest requirements are searched, not every intermediate value.
     */
    private want(input: MarketInput, slot: string): void {
        const key = marketKey(input);
        // Asked again for the same requirements (the lens is re-read): keep the timer, or it could never fire.
        if (this.pending.get(slot) && marketKey(this.pending.get(slot)!) === key) return;
        this.pending.set(slot, input);
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
            this.timer = undefined;
            const inputs = [...this.pending.values()];
            this.pending.clear();
            for (const i of inputs) {
                const e = this.entries.get(marketKey(i));
                if (!e || this.isStale(e)) void this.search(i).catch(() => undefined);
            }
        }, DEBOUNCE_MS);
    }

    private search(input: MarketInput): Promise<OffersAnswer> {
        const key = marketKey(input);
        const generation = this.generation;
        // One time limit for everything, starting the local emulator included: "searching…" always ends.
        const signal = AbortSignal.timeout(SEARCH_TIMEOUT_MS);
        const promise = (async () => {
            const conn = await Promise.race([this.connections.get(), aborted(signal)]);
            return fetchOffers(conn.client, input, { signal });
        })();
        const old = this.entries.get(key);
        this.entries.set(key, { kind: 'loading', promise, previous: old?.kind === 'ok' ? old.answer : undefined });
        promise.then(
            (answer) => {
                if (generation !== this.generation) return;
                this.entries.set(key, { kind: 'ok', answer, at: Date.now() });
                this.changed.fire();
            },
            (error: unknown) => {
                if (generation !== this.generation) return;
                const reason = unavailableReason(error, SEARCH_TIMEOUT_MS);
                this.log.warn(`Machines and prices for "${input.searchParams}": ${errorMessage(error)}`);
                this.entries.set(key, { kind: 'error', reason, error, at: Date.now() });
                this.changed.fire();
            },
        );
        return promise;
    }

    dispose(): void {
        if (this.timer) clearTimeout(this.timer);
        this.pending.clear();
        for (const d of this.disposables) d.dispose();
    }
}
