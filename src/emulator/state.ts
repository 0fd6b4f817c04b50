/**
 * The emulator's durable state: users (by key digest), deployments, versions, endpoints, workergroups, the signing
 * key and the stored tarballs. Kept in memory; with a state folder it is written to `state.json` (+ `blobs/`) after
 * every change and read back on start.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateDeploymentPut, type DeploymentPut } from './validate';

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
    private dirty = false;
    private readonly blobDir: string;

    constructor(
        readonly stateDir: string | undefined,
        scratchDir: string,
        warn: (line: string) => void = (l) => process.stderr.write(l + '\n'),
    ) {
        this.blobDir = path.join(stateDir ?? scratchDir, 'blobs');
        fs.mkdirSync(this.blobDir, { recursive: true, mode: 0o700 });
        fs.chmodSync(this.blobDir, 0o700);
        // Uploads that never finished (a crash mid-upload) are not kept.
        for (const f of fs.readdirSync(this.blobDir)) {
            if (f.startsWith('incoming-')) fs.rmSync(path.join(this.blobDir, f), { force: true });
        }
        const file = stateDir ? path.join(stateDir, 'state.json') : undefined;
        if (file && fs.existsSync(file)) {
            const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Persisted;
            this.nextId = p.nextId;
            this.generatedKey = p.generatedKey;
            this.signingKeyPem = p.signingKeyPem;
            this.uploadSecret = p.uploadSecret;
            for (const d of p.deployments) {
                const why = badDeploymentRecord(d);
                if (why) warn(`state.json: skipped deployment record ${JSON.stringify(d?.id)}: ${why}`);
                else this.deployments.set(d.id, d);
            }
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
        this.dirty = true;
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
        // Write, fsync, rename, fsync the folder: a crash leaves the old state or the new one, never a torn file.
        const file = path.join(this.stateDir, 'state.json');
        const fd = fs.openSync(file + '.tmp', 'w', 0o600);
        try {
            fs.writeFileSync(fd, JSON.stringify(p));
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(file + '.tmp', file);
        syncDir(this.stateDir);
        this.dirty = false;
    }

    /** Persists now if anything changed: called before a mutating request is acknowledged. */
    flushIfDirty(): void {
        if (this.dirty) this.flush();
    }

    /** A fresh path for an upload being received (beside the blobs, so adopting it is a rename). */
    incomingPath(): string {
        return path.join(this.blobDir, `incoming-${randomBytes(8).toString('hex')}`);
    }

    /** Moves a received, fsynced upload into the store under the sha256 of its bytes. */
    adoptBlob(file: string, sha: string): string {
        const dest = path.join(this.blobDir, `${sha}.tar.gz`);
        if (fs.existsSync(dest)) fs.rmSync(file, { force: true });
        else fs.renameSync(file, dest);
        syncDir(this.blobDir);
        return sha;
    }

    blobPath(sha: string): string | undefined {
        const file = path.join(this.blobDir, `${sha}.tar.gz`);
        return fs.existsSync(file) ? file : undefined;
    }

    versionsOf(deploymentId: number): VersionRec[] {
        return [...this.versions.values()].filter((v) => v.deployment_id === deploymentId).sort((a, b) => a.id - b.id);
    }

    /** Removes a deployment with its endpoint, workergroup and versions. */
    deleteDeployment(d: DeploymentRec): void {
        this.deployments.delete(d.id);
        this.endpoints.delete(d.endpoint_id);
        this.workergroups.delete(d.workergroup_id);
        const blobs = new Set<string>();
        for (const v of this.versionsOf(d.id)) {
            this.versions.delete(v.id);
            if (v.blob) blobs.add(v.blob);
        }
        // Blobs are shared by content: remove those no other version holds.
        for (const v of this.versions.values()) if (v.blob) blobs.delete(v.blob);
        for (const sha of blobs) fs.rmSync(path.join(this.blobDir, `${sha}.tar.gz`), { force: true });
        this.changed();
    }
}

/** fsync a folder so a rename in it survives a crash (no-op where folders cannot be opened, as on Windows). */
function syncDir(dir: string): void {
    let fd: number | undefined;
    try {
        fd = fs.openSync(dir, 'r');
        fs.fsyncSync(fd);
    } catch {
        // best effort
    } finally {
        if (fd !== undefined) fs.closeSync(fd);
    }
}

/** Why a stored deployment cannot be served (it would fail every start), or undefined when it is sound. */
function badDeploymentRecord(d: DeploymentRec): string | undefined {
    if (d === null || typeof d !== 'object') return 'not an object';
    for (const f of ['id', 'endpoint_id', 'workergroup_id'] as const) {
        if (typeof d[f] !== 'number') return `${f} is not a number`;
    }
    if (typeof d.user !== 'string') return 'user is not a string';
    if (typeof d.docker_login !== 'object' || typeof d.autoscaling !== 'object') return 'missing fields';
    const put = validateDeploymentPut({ ...d, ...d.docker_login, ...d.autoscaling, file_size: 1 });
    return typeof put === 'string' ? put : undefined;
}
