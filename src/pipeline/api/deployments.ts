/** Console deployment calls (reference §1.1 and §1.3): PUT, upload, show/list/versions, delete, stop/start, heartbeat. */
import { ApiError } from './errors';
import { call } from './http';
import { ClientBase, obj, type Req } from './base';
import type { DeploymentRecord, PutDeploymentResponse, WorkergroupRecord } from './types';
import { multipartBody } from './upload';

export class DeploymentsClient extends ClientBase {
    /** `PUT /api/v0/deployments/`; the body is the PUT body with `null`s already dropped. */
    async putDeployment(body: Record<string, unknown>, r: Req = {}): Promise<PutDeploymentResponse> {
        const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
        const res = await this.web('PUT', '/api/v0/deployments/', 'put deployment', { json: clean, signal: r.signal });
        const j = obj(res.json);
        for (const k of ['action', 'deployment_id', 'endpoint_id']) {
            if (j[k] === undefined || j[k] === null) {
                throw new ApiError({
                    kind: 'protocol',
                    what: 'put deployment',
                    status: res.status,
                    serverMessage: `the answer has no "${k}"`,
                });
            }
        }
        return j as PutDeploymentResponse;
    }

    /** The presigned S3 POST (no auth). Resolves on 200/201/204. */
    async uploadPackage(
        uploadUrl: string,
        fields: Record<string, string>,
        filePath: string,
        r: Req & { onBytes?: (sent: number, total: number) => void } = {},
    ): Promise<void> {
        const body = await multipartBody(fields, filePath, r.onBytes);
        // Presigned URLs carry their own signature in the query; it is not ours to redact but keep it short in logs.
        await call(this.transport, {
            method: 'POST',
            url: uploadUrl,
            what: 'upload the package',
            body,
            parseJson: false,
            timeoutMs: 0,
            signal: r.signal,
            httpMessage: (status, text) => `S3 upload failed: HTTP ${status} - ${text}`,
        });
    }

    /** `GET /api/v0/workergroups/` → `results`. */
    async listWorkergroups(r: Req = {}): Promise<WorkergroupRecord[]> {
        const res = await this.web('GET', '/api/v0/workergroups/', 'list workergroups', { signal: r.signal });
        const results = obj(res.json).results;
        return Array.isArray(results) ? (results as WorkergroupRecord[]) : [];
    }

    /** The first workergroup of an endpoint, or undefined; errors are swallowed like the SDK. */
    async findWorkergroupForEndpoint(endpointId: number, r: Req = {}): Promise<number | undefined> {
        try {
            const wgs = await this.listWorkergroups(r);
            return wgs.find((w) => w.endpoint_id === endpointId)?.id;
        } catch (e) {
            if (r.signal?.aborted) throw e;
            return undefined;
        }
    }

    /** `POST {autoscaler}/update_workers/` (rolling update after a soft update, or cancel one). */
    async updateWorkers(workergroupId: number, r: Req & { cancel?: boolean } = {}): Promise<unknown> {
        const body: Record<string, unknown> = { workergroup_id: workergroupId };
        if (r.cancel) body.cancel_update = true;
        const res = await this.auto(
            '/update_workers/',
            `trigger worker update for workergroup ${workergroupId}`,
            body,
            {
                signal: r.signal,
            },
        );
        return res.json;
    }

    /** `POST /api/v0/deployment/{id}/heartbeat/` (Bearer only, no body). */
    async heartbeat(deploymentId: number, r: Req = {}): Promise<void> {
        await this.web('POST', `/api/v0/deployment/${deploymentId}/heartbeat/`, 'send the heartbeat', {
            bearerOnly: true,
            signal: r.signal,
        });
    }

    /** `GET /api/v0/deployment/{id}/` → `deployment`. */
    async showDeployment(id: number, r: Req = {}): Promise<DeploymentRecord> {
        const res = await this.web('GET', `/api/v0/deployment/${id}/`, `fetch deployment ${id}`, { signal: r.signal });
        const d = obj(res.json).deployment;
        if (!d || typeof d !== 'object') {
            throw new ApiError({ kind: 'protocol', what: `fetch deployment ${id}`, serverMessage: 'no "deployment"' });
        }
        return d as DeploymentRecord;
    }

    /** `GET /api/v0/deployments/` → `deployments`. */
    async listDeployments(r: Req = {}): Promise<DeploymentRecord[]> {
        const res = await this.web('GET', '/api/v0/deployments/', 'list deployments', { signal: r.signal });
        const list = obj(res.json).deployments;
        return Array.isArray(list) ? (list as DeploymentRecord[]) : [];
    }

    /** Deployments with this name (and tag, when given). */
    async findDeployments(name: string, tag?: string, r: Req = {}): Promise<DeploymentRecord[]> {
        const all = await this.listDeployments(r);
        return all.filter((d) => d.name === name && (tag === undefined || d.tag === tag));
    }

    /** `GET /api/v0/deployment/{id}/versions/` → `versions`. */
    async deploymentVersions(id: number, r: Req = {}): Promise<unknown[]> {
        const res = await this.web('GET', `/api/v0/deployment/${id}/versions/`, `list versions of deployment ${id}`, {
            signal: r.signal,
        });
        const v = obj(res.json).versions;
        return Array.isArray(v) ? v : [];
    }

    /** `DELETE /api/v0/deployment/{id}/`. */
    async deleteDeployment(id: number, r: Req = {}): Promise<Record<string, unknown>> {
        const res = await this.web('DELETE', `/api/v0/deployment/${id}/`, `delete deployment ${id}`, {
            signal: r.signal,
        });
        return obj(res.json);
    }

    /** `DELETE /api/v0/deployments/` with `{name, tag?}` (every tag when `tag` is omitted). */
    async deleteDeploymentsByName(name: string, tag?: string, r: Req = {}): Promise<Record<string, unknown>> {
        const json: Record<string, string> = { name };
        if (tag !== undefined) json.tag = tag;
        const res = await this.web('DELETE', '/api/v0/deployments/', `delete deployment ${name}`, {
            json,
            signal: r.signal,
        });
        return obj(res.json);
    }

    /** `POST /api/v0/deployment/{id}/stop/`. */
    async stopDeployment(id: number, r: Req = {}): Promise<Record<string, unknown>> {
        const res = await this.web('POST', `/api/v0/deployment/${id}/stop/`, `stop deployment ${id}`, {
            signal: r.signal,
        });
        return obj(res.json);
    }

    /** `POST /api/v0/deployment/{id}/start/`. */
    async startDeployment(id: number, r: Req = {}): Promise<Record<string, unknown>> {
        const res = await this.web('POST', `/api/v0/deployment/${id}/start/`, `start deployment ${id}`, {
            signal: r.signal,
        });
        return obj(res.json);
    }

    /** `POST /api/v0/bundles/`: the offers search of `vastai search offers`. The emulator adds `synthetic: true`. */
    async searchOffers(
        query: Record<string, unknown>,
        r: Req = {},
    ): Promise<{ offers: Record<string, unknown>[]; synthetic: boolean; ignoredFields: string[] }> {
        const res = await this.web('POST', '/api/v0/bundles/', 'search offers', { json: query, signal: r.signal });
        const j = obj(res.json);
        if (!Array.isArray(j.offers)) {
            throw new ApiError({
                kind: 'protocol',
                what: 'search offers',
                status: res.status,
                serverMessage: 'the answer has no "offers" list',
            });
        }
        return {
            offers: j.offers as Record<string, unknown>[],
            synthetic: j.synthetic === true,
            ignoredFields: Array.isArray(j.ignored_fields) ? j.ignored_fields.map(String) : [],
        };
    }
}
