/**
 * The Vast API client: every call the SDK and the CLI make for Deployments (reference §1 and §1.3), with the SDK's
 * transport rules (see http.ts). One instance per API key and base URLs; it talks to Vast or to the local emulator.
 * This file: endpoints, workergroups, the autoscaler, `/route/` and the worker call.
 */
import { DeploymentsClient } from './deployments';
import { ApiError } from './errors';
import { call } from './http';
import { obj, type Req } from './base';
import type { EndpointRecord, RouteResponse, WorkerRecord } from './types';
import { trimSlash } from './urls';

export { CLIENT_VERSION, type ClientOptions, type Req } from './base';

/** The largest function result a call reads (JSON, bytes in base64): beyond it the call fails and says so. */
export const WORKER_RESULT_MAX_BYTES = 256 << 20;

export class VastClient extends DeploymentsClient {
    /** `GET /api/v0/endptjobs/{id}/` → `result` (holds the endpoint's own `api_key`, added to the scrub list). */
    async getEndpoint(endpointId: number, r: Req = {}): Promise<EndpointRecord> {
        const res = await this.web('GET', `/api/v0/endptjobs/${endpointId}/`, `fetch endpoint ${endpointId}`, {
            signal: r.signal,
        });
        const ep = obj(res.json).result;
        if (!ep || typeof ep !== 'object') {
            throw new ApiError({
                kind: 'protocol',
                what: `fetch endpoint ${endpointId}`,
                serverMessage: 'no "result"',
            });
        }
        this.addSecret((ep as EndpointRecord).api_key);
        return ep as EndpointRecord;
    }

    /** `GET /api/v0/endptjobs/?client_id=me` → `results`. */
    async listEndpoints(r: Req = {}): Promise<EndpointRecord[]> {
        const res = await this.web('GET', '/api/v0/endptjobs/', 'list endpoints', {
            query: { client_id: 'me' },
            signal: r.signal,
        });
        const list = obj(res.json).results;
        const eps = Array.isArray(list) ? (list as EndpointRecord[]) : [];
        for (const e of eps) this.addSecret(e.api_key);
        return eps;
    }

    /** `DELETE /api/v0/endptjobs/{id}/` (also deletes the endpoint's workergroups and workers). */
    async deleteEndpoint(endpointId: number, r: Req = {}): Promise<Record<string, unknown>> {
        const res = await this.web('DELETE', `/api/v0/endptjobs/${endpointId}/`, `delete endpoint ${endpointId}`, {
            signal: r.signal,
        });
        return obj(res.json);
    }

    /** `POST /api/v0/endptjobs/` (endpoint fields as the SDK's `EndpointConfig`) → the new endpoint id (`result`). */
    async createEndpoint(fields: Record<string, unknown>, r: Req = {}): Promise<number> {
        const res = await this.web('POST', '/api/v0/endptjobs/', 'create endpoint', { json: fields, signal: r.signal });
        return Number(obj(res.json).result);
    }

    /** `PUT /api/v0/endptjobs/{id}/` with the CLI's extra fields (`client_id: "me"`, `endptjob_id`). */
    async updateEndpoint(
        endpointId: number,
        fields: Record<string, unknown>,
        r: Req = {},
    ): Promise<Record<string, unknown>> {
        const res = await this.web('PUT', `/api/v0/endptjobs/${endpointId}/`, `update endpoint ${endpointId}`, {
            json: { client_id: 'me', endptjob_id: endpointId, ...fields },
            signal: r.signal,
        });
        return obj(res.json);
    }

    /** `POST /api/v0/workergroups/` (`search_params` required, may be "") → the new workergroup id. */
    async createWorkergroup(fields: Record<string, unknown>, r: Req = {}): Promise<number> {
        const res = await this.web('POST', '/api/v0/workergroups/', 'create workergroup', {
            json: { search_params: '', ...fields },
            signal: r.signal,
        });
        return Number(obj(res.json).id);
    }

    /** `DELETE /api/v0/workergroups/{id}/`. */
    async deleteWorkergroup(workergroupId: number, r: Req = {}): Promise<void> {
        await this.web('DELETE', `/api/v0/workergroups/${workergroupId}/`, `delete workergroup ${workergroupId}`, {
            signal: r.signal,
        });
    }

    /** `POST {autoscaler}/get_autogroup_logs/` (a workergroup's logs, optional `tail`). */
    async getWorkergroupLogs(workergroupId: number, r: Req & { tail?: number } = {}): Promise<unknown> {
        const body: Record<string, unknown> = { id: workergroupId };
        if (r.tail !== undefined) body.tail = r.tail;
        const res = await this.auto('/get_autogroup_logs/', `get logs of workergroup ${workergroupId}`, body, {
            signal: r.signal,
        });
        return res.json;
    }

    /** `POST {autoscaler}/get_endpoint_workers/`; an `error_msg` answer means "not queryable yet" → `[]`. */
    async getEndpointWorkers(endpointId: number, r: Req = {}): Promise<WorkerRecord[]> {
        const res = await this.auto(
            '/get_endpoint_workers/',
            `get workers of endpoint ${endpointId}`,
            {
                id: endpointId,
            },
            { signal: r.signal },
        );
        if (Array.isArray(res.json)) {
            return (res.json as Record<string, unknown>[]).map((w) => ({
                ...w,
                id: Number(w.id),
                status: typeof w.status === 'string' ? w.status : 'UNKNOWN',
            }));
        }
        if (obj(res.json).error_msg !== undefined) return [];
        throw new ApiError({
            kind: 'protocol',
            what: `get workers of endpoint ${endpointId}`,
            serverMessage: `Unexpected response type (wanted list): ${typeof res.json}`,
        });
    }

    /** `POST {autoscaler}/get_endpoint_logs/` (optional `tail` lines). Returns the answer as sent. */
    async getEndpointLogs(endpointId: number, r: Req & { tail?: number } = {}): Promise<unknown> {
        const body: Record<string, unknown> = { id: endpointId };
        if (r.tail !== undefined) body.tail = r.tail;
        const res = await this.auto('/get_endpoint_logs/', `get logs of endpoint ${endpointId}`, body, {
            signal: r.signal,
        });
        return res.json;
    }

    /** `POST {autoscaler}/get_workergroup_workers/`. */
    async getWorkergroupWorkers(workergroupId: number, r: Req = {}): Promise<unknown> {
        const res = await this.auto(
            '/get_workergroup_workers/',
            `get workers of workergroup ${workergroupId}`,
            {
                id: workergroupId,
            },
            { signal: r.signal },
        );
        return res.json;
    }

    /** `POST {autoscaler}/route/` with the endpoint's key; one try, 10 s (the SDK's settings). */
    async route(
        endpointName: string,
        endpointKey: string,
        requestIdx: number,
        r: Req & { cost?: number } = {},
    ): Promise<RouteResponse> {
        this.addSecret(endpointKey);
        const res = await call(this.transport, {
            method: 'POST',
            url: `${this.autoscalerUrl}/route/`,
            what: 'route endpoint',
            key: endpointKey,
            json: {
                endpoint: endpointName,
                api_key: endpointKey,
                cost: r.cost ?? 100,
                request_idx: requestIdx,
                replay_timeout: 60.0,
            },
            tries: 1,
            timeoutMs: 10_000,
            signal: r.signal,
            httpMessage: (status, text) => `Failed to route endpoint: HTTP ${status} - ${text}`,
        });
        return obj(res.json) as RouteResponse;
    }

    /**
     * `POST {url}/remote/{fname}` with the SDK envelope. One try; the caller re-routes. Returns status and JSON so the
     * caller can tell retryable failures apart; throws ApiError only for transport problems.
     */
    async callWorker(
        workerUrl: string,
        fname: string,
        authData: RouteResponse,
        kwargs: Record<string, unknown>,
        endpointKey: string,
        r: Req & { timeoutMs?: number } = {},
    ): Promise<{ status: number; json: unknown; text: string }> {
        const url = `${trimSlash(workerUrl)}/remote/${fname}`;
        const dispatcher = url.startsWith('https:') ? await this.workerDispatcher(r.signal) : undefined;
        try {
            const res = await call(this.transport, {
                method: 'POST',
                url,
                what: `call ${fname} on the worker`,
                key: endpointKey,
                json: { auth_data: authData, session_id: null, payload: { kwargs } },
                tries: 1,
                timeoutMs: r.timeoutMs ?? 600_000,
                // A function's result can be large (bytes, embeddings), not unbounded: it is held in memory whole.
                maxResponseBytes: WORKER_RESULT_MAX_BYTES,
                dispatcher,
                signal: r.signal,
            });
            return { status: res.status, json: res.json, text: res.text };
        } catch (e) {
            if (e instanceof ApiError && e.kind === 'http') {
                return { status: e.status ?? 0, json: undefined, text: e.serverMessage ?? '' };
            }
            throw e;
        }
    }
}
