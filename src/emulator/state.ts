/**
 * The emulator's durable state: users (by key digest), deployments, versions, endpoints, workergroups, the signing
 * key and the stored tarballs. Kept in memory; with a state folder it is written to `state.json` (+ `blobs/`) after
 * every change and read back on start.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentPut } from './validate';

export type EndpointState = 'active' | 'suspended' | 'stopped';

/** What the last accepted PUT said (the blob's size lives with its version), plus the service's own fields. */
export interface DeploymentRec extends Omit<DeploymentPut, 'file_size'> {
    id: number;
    user: string;
    endpoint_id: number;
    workergroup_id: number;
    current_version_id: number | null;
    last_healthy_version_id: number | null;
    last_client_heartbeat: number | null;
    created_at: number;
    updated_at: number;
}

export interface VersionRec {
    id: number;
    deployment_id: number;
    version: number;
    file_hash: string;
    file_size: number;
    version_label: string | null;
    /** Why the version exists: the PUT action that created it. */
    action: string;
    status: 'awaiting_upload' | 'uploaded' | 'evicted';
    s3_key: string;
    /** sha256 of the stored tarball bytes (blob file name) once uploaded. */
    blob: string | null;
    created_at: number;
}

export interface EndpointRec {
    id: number;
    user: string;
    endpoint_name: string;
    api_key: string;
    deployment_id: number | null;
    endpoint_state: EndpointState;
    settings: Record<string, number | string>;
    created_at: number;
}

export interface WorkergroupRec {
    id: number;
    user: string;
    endpoint_id: number;
    search_params: string;
    settings: Record<string, unknown>;
    created_at: number;
}

interface Persisted {
    format: 1;
    nextId: number;
    generatedKey: string | null;
    signingKeyPem: string;
    uploadSecret: string;
    deployments: DeploymentRec[];
    versions: VersionRec[];
    endpoints: EndpointRec[];
    workergroups: WorkergroupRec[];
}

/** Stable user id for an API key; the key itself is never stored (except a generated one, to print it again). */
export function userOf(key: string): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export const now = (): number => Date.now() / 1000;

export class Store {
    deployments = new Map<number, DeploymentRec>();
    versions = new Map<number, VersionRec>();
    endpoints = new Map<number, EndpointRec>();
    workergroups = new Map<number, WorkergroupRec>();
    generatedKey: string | null = null;
    signingKeyPem: string;
    uploadSecret: string;
    private nextId = 1;
    private saveTimer: NodeJS.Timeout | undefined;
    private readonly blobDir: string;

    constructor(
        readonly stateDir: string | undefined,
        scratchDir: string,
    ) {
        this.blobDir = path.join(stateDir ?? scratchDir, 'blobs');
        fs.mkdirSync(this.blobDir, { recursive: true });
        const file = stateDir ? path.join(stateDir, 'state.json') : undefined;
        if (file && fs.existsSync(file)) {
            const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Persisted;
            this.nextId = p.nextId;
            this.generatedKey = p.generatedKey;
            this.signingKeyPem = p.signingKeyPem;
            this.uploadSecret = p.uploadSecret;
            for (const d of p.deployments) this.deployments.set(d.id, d);
            for (const v of p.versions) this.versions.set(v.id, v);
            for (const e of p.endpoints) this.endpoints.set(e.id, e);
            for (const w of p.workergroups) this.workergroups.set(w.id, w);
        } else {
            const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
            this.signingKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
            this.uploadSecret = randomBytes(32).toString('hex');
        }
    }

    id(): number {
        return this.nextId++;
    }

    /** Schedules a write of state.json (no-op without a state folder). */
    changed(): void {
        if (!this.stateDir || this.saveTimer) return;
        this.saveTimer = setTimeout(() => {
            this.saveTimer = undefined;
            this.flush();
        }, 20);
    }

    flush(): void {
        if (this.saveTimer) clearTimeout(this.saveTimer);
        this.saveTimer = undefined;
        if (!this.stateDir) return;
        const p: Persisted = {
            format: 1,
            nextId: this.nextId,
            generatedKey: this.generatedKey,
            signingKeyPem: this.signingKeyPem,
            uploadSecret: this.uploadSecret,
            deployments: [...this.deployments.values()],
            versions: [...this.versions.values()],
            endpoints: [...this.endpoints.values()],
            workergroups: [...this.workergroups.values()],
        };
        const file = path.join(this.stateDir, 'state.json');
        fs.writeFileSync(file + '.tmp', JSON.stringify(p), { mode: 0o600 });
        fs.renameSync(file + '.tmp', file);
    }

    putBlob(data: Buffer): string {
        const sha = createHash('sha256').update(data).digest('hex');
        const file = path.join(this.blobDir, `${sha}.tar.gz`);
        if (!fs.existsSync(file)) fs.writeFileSync(file, data);
        return sha;
    }

    blob(sha: string): Buffer | undefined {
        const file = path.join(this.blobDir, `${sha}.tar.gz`);
        return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    }

    versionsOf(deploymentId: number): VersionRec[] {
        return [...this.versions.values()].filter((v) => v.deployment_id === deploymentId).sort((a, b) => a.id - b.id);
    }

    /** Removes a deployment with its endpoint, workergroup and versions. */
    deleteDeployment(d: DeploymentRec): void {
        this.deployments.delete(d.id);
        this.endpoints.delete(d.endpoint_id);
        this.workergroups.delete(d.workergroup_id);
        for (const v of this.versionsOf(d.id)) this.versions.delete(v.id);
        this.changed();
    }
}
