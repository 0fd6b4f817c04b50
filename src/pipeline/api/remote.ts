/**
 * Calling a `@remote` function the way the SDK does (reference §1.2, `client.py::_do_request`): fetch the endpoint
 * (its own key) once, POST `/route/` until it answers with a worker `url` (WAITING answers are re-polled with the
 * same `request_idx` and a jittered backoff), then `POST {url}/remote/{fname}` with the SDK envelope. Connection
 * failures, 408, 429 and 5xx from the worker re-route after a backoff.
 */
import { deserialize, exceptionClassName, type Wire } from '../../shared/serialization';
import type { VastClient } from './client';
import { ApiError, CancelledError, redact, RemoteFunctionError } from './errors';
import { isRetryableStatus } from './http';
import type { EndpointRecord, RouteResponse } from './types';

export interface InvokeOptions {
    signal?: AbortSignal;
    /** Called with the `/route/` WAITING status text (e.g. "Stopped"), for "waiting for workers" messages. */
    onWaiting?: (status: string, polls: number) => void;
    /** Worker re-routes before giving up (the SDK retries forever; a UI needs a bound). Default 10. */
    maxReroutes?: number;
    workerTimeoutMs?: number;
    /** Give up waiting for a READY route after this long (the SDK waits forever). Default: no limit. */
    routeTimeoutMs?: number;
}

/** One call's outcome with the time spent routing (waiting for a worker) apart from the worker's own time. */
export interface InvokeResult {
    value: unknown;
    /** The raw `ok` wire value. */
    wire: unknown;
    routeMs: number;
    workerMs: number;
    totalMs: number;
    routePolls: number;
    reroutes: number;
    workerUrl: string;
}

/** Invokes remote functions of one endpoint; the endpoint record is fetched lazily and cached. */
export class RemoteCaller {
    private endpoint?: Promise<EndpointRecord>;

    constructor(
        private readonly client: VastClient,
        private readonly endpointId: number,
    ) {}

    private getEndpoint(signal?: AbortSignal): Promise<EndpointRecord> {
        if (!this.endpoint) {
            this.endpoint = this.client.getEndpoint(this.endpointId, { signal });
            this.endpoint.catch(() => (this.endpoint = undefined));
        }
        return this.endpoint;
    }

    /** Routes until READY; returns the route answer and how many polls it took. */
    private async routeReady(
        ep: EndpointRecord,
        key: string,
        opts: InvokeOptions,
    ): Promise<{ route: RouteResponse; polls: number }> {
        const t = this.client.transport;
        let requestIdx = 0;
        let polls = 0;
        const started = Date.now();
        // Slept time counts too, so an injected instant sleep (tests) still reaches the limit.
        let slept = 0;
        let lastStatus = '';
        for (let attempt = 0; ; attempt++) {
            const elapsed = Math.max(Date.now() - started, slept);
            if (opts.routeTimeoutMs !== undefined && elapsed >= opts.routeTimeoutMs) {
                throw new ApiError({
                    kind: 'timeout',
                    what: 'route endpoint',
                    serverMessage: `no worker became ready in ${Math.round(elapsed / 1000)}s (last status: ${lastStatus || 'none'})`,
                });
            }
            const route = await this.client.route(ep.endpoint_name, key, requestIdx, { signal: opts.signal });
            polls++;
            requestIdx = typeof route.request_idx === 'number' && route.request_idx ? route.request_idx : requestIdx;
            if (typeof route.url === 'string' && route.url !== '') return { route, polls };
            lastStatus = typeof route.status === 'string' ? route.status : 'waiting for a worker';
            opts.onWaiting?.(lastStatus, polls);
            const cap = Math.min(2 ** Math.min(attempt + 1, 20) + t.random(), 5);
            const delay = (0.1 + t.random() * (cap - 0.1)) * 1000;
            try {
                await t.sleep(delay, opts.signal);
                slept += delay;
            } catch {
                throw new CancelledError('route endpoint');
            }
        }
    }

    /** Calls `fname` with already serialized kwargs. Throws RemoteFunctionError when the function raised. */
    async invoke(fname: string, kwargs: Record<string, Wire>, opts: InvokeOptions = {}): Promise<InvokeResult> {
        const t = this.client.transport;
        const started = Date.now();
        const ep = await this.getEndpoint(opts.signal);
        const key = ep.api_key;
        if (!key) {
            throw new ApiError({
                kind: 'protocol',
                what: `fetch endpoint ${this.endpointId}`,
                serverMessage: 'the endpoint record has no api_key',
            });
        }
        const maxReroutes = opts.maxReroutes ?? 10;
        let routeMs = 0;
        let routePolls = 0;
        for (let reroutes = 0; ; reroutes++) {
            const r0 = Date.now();
            const { route, polls } = await this.routeReady(ep, key, opts);
            routeMs += Date.now() - r0;
            routePolls += polls;
            const url = route.url as string;
            const w0 = Date.now();
            let res: { status: number; json: unknown; text: string } | undefined;
            let failure: string;
            try {
                res = await this.client.callWorker(url, fname, route, kwargs, key, {
                    signal: opts.signal,
                    timeoutMs: opts.workerTimeoutMs,
                });
                failure = `HTTP ${res.status} - ${res.text}`;
            } catch (e) {
                if (e instanceof CancelledError) throw e;
                if (!(e instanceof ApiError) || (e.kind !== 'transport' && e.kind !== 'timeout')) throw e;
                failure = e.serverMessage ?? e.message;
            }
            const workerMs = Date.now() - w0;
            if (res && res.status >= 200 && res.status < 300) {
                const result = ((res.json ?? {}) as { result?: { ok?: unknown; err?: unknown } }).result;
                if (result && 'err' in result) {
                    throw new RemoteFunctionError(fname, exceptionClassName(result.err), result.err, {
                        routeMs,
                        workerMs,
                    });
                }
                if (!result || !('ok' in result)) {
                    throw new ApiError({
                        kind: 'protocol',
                        what: `call ${fname} on the worker`,
                        status: res.status,
                        serverMessage: redact(`the answer has no "result": ${res.text.slice(0, 200)}`, t.secrets),
                    });
                }
                return {
                    value: deserialize(result.ok),
                    wire: result.ok,
                    routeMs,
                    workerMs,
                    totalMs: Date.now() - started,
                    routePolls,
                    reroutes,
                    workerUrl: url,
                };
            }
            if (res && !isRetryableStatus(res.status)) {
                throw new ApiError({
                    kind: 'http',
                    what: `call ${fname} on the worker`,
                    status: res.status,
                    serverMessage: res.text,
                    message: `Remote function call failed with status code ${res.status}: ${res.text}`,
                });
            }
            if (reroutes >= maxReroutes) {
                throw new ApiError({
                    kind: res ? 'http' : 'transport',
                    what: `call ${fname} on the worker`,
                    status: res?.status,
                    serverMessage: failure,
                    attempts: reroutes + 1,
                    message: `Remote function call to ${fname} failed after ${reroutes + 1} tries: ${failure}`,
                });
            }
            const delay = Math.min(2 ** Math.min(reroutes + 1, 20) + t.random(), 5) * 1000;
            try {
                await t.sleep(delay, opts.signal);
            } catch {
                throw new CancelledError(`call ${fname}`);
            }
        }
    }
}
