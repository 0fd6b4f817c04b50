/** Shared state and helpers of one running emulator (the routes get this object). */
import { createHmac, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Faults } from './faults';
import type { DeploymentRec, EndpointRec, Store, VersionRec } from './state';
import { userOf } from './state';
import type { WorkerManager, WorkerRt } from './workers';

export interface CoreOptions {
    allowWorkers: boolean;
    /** Time budget for reading one upload; undefined: by its size (uploadCheck.ts). */
    uploadCheckBudgetMs?: number;
}

export class EmulatorCore {
    baseUrl = '';
    readonly keys = new Map<string, string>();
    private readonly privateKey: KeyObject;
    readonly publicKeyPem: string;
    private readonly signatures = new Map<string, string>();
    private requestIdx = 0;
    readonly reqnums = new Map<number, number>();

    constructor(
        readonly store: Store,
        readonly workers: WorkerManager,
        readonly faults: Faults,
        readonly options: CoreOptions,
        apiKeys: string[],
        readonly adminToken: string,
    ) {
        for (const k of apiKeys) this.keys.set(k, userOf(k));
        this.privateKey = createPrivateKey(store.signingKeyPem);
        this.publicKeyPem = createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    }

    /** The user a console key belongs to. */
    userOfKey(key: string): string | undefined {
        return this.keys.get(key);
    }

    nextRequestIdx(): number {
        return ++this.requestIdx;
    }

    /** RSA PKCS#1 v1.5 / SHA-256 over Python's `json.dumps({"url": url}, indent=4, sort_keys=True)`, base64. */
    signUrl(url: string): string {
        let s = this.signatures.get(url);
        if (!s) {
            const message = `{\n    "url": ${JSON.stringify(url)}\n}`;
            s = sign('sha256', Buffer.from(message), this.privateKey).toString('base64');
            this.signatures.set(url, s);
        }
        return s;
    }

    hmac(text: string): string {
        return createHmac('sha256', this.store.uploadSecret).update(text).digest('hex');
    }

    newEndpointKey(): string {
        return randomBytes(24).toString('hex');
    }

    ownDeployment(user: string, id: number): DeploymentRec | undefined {
        const d = this.store.deployments.get(id);
        return d && d.user === user ? d : undefined;
    }

    ownEndpoint(user: string, id: number): EndpointRec | undefined {
        const e = this.store.endpoints.get(id);
        return e && e.user === user ? e : undefined;
    }

    workerJson(w: WorkerRt): Record<string, unknown> {
        const ready = w.state === 'IDLE';
        return {
            id: w.id,
            status: w.state,
            status_msg: w.msg,
            cur_load: w.reqsWorking * 100,
            new_load: 0,
            cur_load_rolling_avg: 0,
            cur_perf: ready ? w.perf : 0,
            perf: w.perf,
            measured_perf: w.perf,
            dlperf: 0,
            reliability: 1,
            reqs_working: w.reqsWorking,
            disk_usage: 0,
            loaded_at: w.loadedAt,
            started_at: w.startedAt,
            deployment_version_id: w.versionId,
            url: w.url ?? null,
        };
    }

    deploymentJson(d: DeploymentRec): Record<string, unknown> {
        const ep = this.store.endpoints.get(d.endpoint_id);
        const current = d.current_version_id !== null ? this.store.versions.get(d.current_version_id) : undefined;
        return {
            id: d.id,
            name: d.name,
            tag: d.tag,
            image: d.image,
            endpoint_id: d.endpoint_id,
            workergroup_id: d.workergroup_id,
            endpoint_state: ep?.endpoint_state ?? 'stopped',
            worker_count: this.workers.workersOf(d.endpoint_id).filter((w) => w.state !== 'STOPPED').length,
            env: d.env,
            s3_key: current?.s3_key ?? null,
            file_hash: d.file_hash,
            search_params: d.search_params,
            current_version_id: d.current_version_id,
            last_healthy_version_id: d.last_healthy_version_id,
            storage: d.storage,
            ttl: d.ttl,
            version_label: d.version_label,
            last_client_heartbeat: d.last_client_heartbeat,
            created_at: d.created_at,
            updated_at: d.updated_at,
            ...d.autoscaling,
        };
    }

    /** A `/versions/` row. Inferred fields (the SDK prints rows without reading them): see README.md. */
    versionJson(v: VersionRec): Record<string, unknown> {
        return {
            id: v.id,
            deployment_id: v.deployment_id,
            version: v.version,
            file_hash: v.file_hash,
            file_size: v.file_size,
            version_label: v.version_label,
            action: v.action,
            status: v.status,
            s3_key: v.s3_key,
            created_at: v.created_at,
        };
    }

    endpointJson(e: EndpointRec): Record<string, unknown> {
        return {
            id: e.id,
            endpoint_name: e.endpoint_name,
            api_key: e.api_key,
            user_id: e.user,
            created_at: e.created_at,
            endpoint_state: e.endpoint_state,
            deployment_id: e.deployment_id,
            ...e.settings,
        };
    }
}
