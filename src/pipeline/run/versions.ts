/**
 * A deployment's versions: `GET /api/v0/deployment/{id}/versions/` (the rows) with `GET /api/v0/deployment/{id}/`
 * (`current_version_id`, `last_healthy_version_id`, documented on the deployment). The SDK only prints the rows as
 * JSON, so the row fields read here (`id`, `version`, `file_hash`, `created_at`, `status`, `version_label`, `action`,
 * `file_size`) are inferred from the emulator and read defensively: a missing one is simply not shown.
 */
import type { VastClient } from '../api/client';

export interface VersionRow {
    id: number | string;
    /** 1, 2, 3... in order of creation, when the service numbers them. */
    number?: number;
    hash?: string;
    /** Seconds since the epoch. */
    createdAt?: number;
    state?: string;
    label?: string;
    /** The PUT action that made it (`created`, `soft_update`...). */
    action?: string;
    size?: number;
    current: boolean;
    lastHealthy: boolean;
}

export interface DeploymentVersions {
    currentId: number | string | null;
    lastHealthyId: number | string | null;
    /** Newest first. */
    versions: VersionRow[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): number | string | null => (typeof v === 'number' || typeof v === 'string' ? v : null);

/** `created_at` as seconds since the epoch: a number (seconds, or milliseconds when huge) or an ISO date. */
function seconds(v: unknown): number | undefined {
    const n = num(v);
    if (n !== undefined) return n > 1e11 ? n / 1000 : n;
    const s = str(v);
    if (s === undefined) return undefined;
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t / 1000;
}

/** The rows as the tree shows them, marked, newest first. Rows without an id are dropped. */
export function normalizeVersions(
    raw: readonly unknown[],
    currentId: unknown,
    lastHealthyId: unknown,
): DeploymentVersions {
    const current = idOf(currentId);
    const healthy = idOf(lastHealthyId);
    const rows: VersionRow[] = [];
    for (const r of raw) {
        if (!r || typeof r !== 'object') continue;
        const o = r as Record<string, unknown>;
        const id = idOf(o.id);
        if (id === null) continue;
        const row: VersionRow = {
            id,
            current: current !== null && String(id) === String(current),
            lastHealthy: healthy !== null && String(id) === String(healthy),
        };
        const n = num(o.version);
        if (n !== undefined) row.number = n;
        const hash = str(o.file_hash);
        if (hash) row.hash = hash;
        const at = seconds(o.created_at);
        if (at !== undefined) row.createdAt = at;
        const state = str(o.status) ?? str(o.state);
        if (state) row.state = state;
        const label = str(o.version_label);
        if (label) row.label = label;
        const action = str(o.action);
        if (action) row.action = action;
        const size = num(o.file_size);
        if (size !== undefined) row.size = size;
        rows.push(row);
    }
    rows.sort(
        (a, b) =>
            (b.createdAt ?? 0) - (a.createdAt ?? 0) || (b.number ?? 0) - (a.number ?? 0) || Number(b.id) - Number(a.id),
    );
    return { currentId: current, lastHealthyId: healthy, versions: rows };
}

/** Reads a deployment's versions and which is current and last healthy (two calls, in parallel). */
export async function readVersions(
    client: VastClient,
    deploymentId: number,
    opts: { signal?: AbortSignal } = {},
): Promise<DeploymentVersions> {
    const [record, rows] = await Promise.all([
        client.showDeployment(deploymentId, { signal: opts.signal }),
        client.deploymentVersions(deploymentId, { signal: opts.signal }),
    ]);
    return normalizeVersions(rows, record.current_version_id, record.last_healthy_version_id);
}
