/**
 * The "Versions" rows under a deployed deployment, in words: created time, short hash, state, and the current and
 * last healthy marks. vscode-free and pure (test/unit/extension/versionWords.test.ts).
 */
import type { DeploymentVersions, VersionRow } from '../../pipeline/run/versions';
import { plural } from '../util';
import { DESCRIPTION_BUDGET } from './treeModel';
import { uptimeWords } from './words';

/** The versions of one deployment as the tree knows them now. */
export type VersionsView =
    { kind: 'loading' } | { kind: 'ok'; data: DeploymentVersions } | { kind: 'error'; reason: string };

export interface RowWords {
    label: string;
    description: string;
    tooltip: string;
    icon: { id: string; color?: string };
}

const STATES: Record<string, string> = {
    awaiting_upload: 'awaiting upload',
    uploaded: 'uploaded',
    evicted: 'evicted (package deleted)',
};

const ACTIONS: Record<string, string> = {
    created: 'the first deploy',
    soft_update: 'a code update',
    autoscale_update: 'an autoscaling update',
    hard_update: 'a new image or machines',
};

/** `v3`, or the id when the service does not number versions. */
export function versionName(v: Pick<VersionRow, 'number' | 'id'>): string {
    return v.number !== undefined ? `v${v.number}` : `#${v.id}`;
}

export function shortHash(hash: string | undefined): string | undefined {
    return hash?.slice(0, 7);
}

/** Parts in order of importance, as many as read whole in the sidebar (the tooltip has them all). */
function fit(parts: string[]): string {
    let out = '';
    for (const p of parts) {
        const next = out ? `${out} · ${p}` : p;
        if (next.length <= DESCRIPTION_BUDGET) out = next;
    }
    return out;
}

function createdWords(at: number | undefined, nowMs: number): string | undefined {
    if (at === undefined) return undefined;
    const age = uptimeWords(at, nowMs);
    return age === undefined ? undefined : age === '0 s' ? 'just now' : `${age} ago`;
}

/**
 * One version row: "v2 · 3 min ago", then what fits the sidebar of: the mark ("current" — the green icon says it is
 * healthy —, "current, not healthy", "last healthy"), an unusual package state, the short hash.
 */
export function versionRowWords(v: VersionRow, data: DeploymentVersions, nowMs = Date.now()): RowWords {
    const created = createdWords(v.createdAt, nowMs);
    const label = [versionName(v), created ?? ''].filter(Boolean).join(' · ');
    const healthyRow = data.versions.find((x) => x.lastHealthy);
    const mark = v.current
        ? v.lastHealthy || !healthyRow
            ? 'current'
            : 'current, not healthy'
        : v.lastHealthy
          ? 'last healthy'
          : '';
    const state = v.state ? (STATES[v.state] ?? v.state.replace(/_/g, ' ')) : undefined;
    const unusual = v.state && v.state !== 'uploaded' ? (state ?? '') : '';
    const description = fit([mark, unusual, shortHash(v.hash) ?? ''].filter(Boolean));
    const lines = [
        `**Version ${versionName(v).replace(/^v/, '')}** (id ${v.id})${v.label ? `, label "${v.label}"` : ''}`,
    ];
    if (v.createdAt !== undefined) {
        lines.push(`Created ${new Date(v.createdAt * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
    }
    if (v.hash) lines.push(`Code hash \`${v.hash}\``);
    if (state) lines.push(`Package: ${state}`);
    if (v.action) lines.push(`Made by ${ACTIONS[v.action] ?? v.action}`);
    if (v.size !== undefined) lines.push(`Package size ${formatBytes(v.size)}`);
    if (v.current && v.lastHealthy) {
        lines.push('Current and healthy: workers run this version and one was ready on it.');
    } else if (v.current) {
        lines.push(
            healthyRow
                ? `Current, not healthy yet: no worker has been ready on it. If that lasts, the rollout failed; the last healthy version is ${versionName(healthyRow)}.`
                : 'Current: no worker has been ready on it yet.',
        );
    } else if (v.lastHealthy) {
        lines.push('Last healthy: the newest version a worker was ready on (the current one is not, yet).');
    }
    let icon: RowWords['icon'] = { id: 'git-commit' };
    if (v.current && v.lastHealthy) icon = { id: 'pass-filled', color: 'testing.iconPassed' };
    else if (v.current) icon = healthyRow ? { id: 'warning', color: 'list.warningForeground' } : { id: 'sync' };
    else if (v.lastHealthy) icon = { id: 'history', color: 'testing.iconPassed' };
    else if (v.state === 'evicted') icon = { id: 'archive', color: 'disabledForeground' };
    return { label, description, tooltip: lines.join('\n\n'), icon };
}

/**
 * The "Versions" group in the sidebar: how many and the current one, or that the current one is not healthy (a
 * rollout that may have failed). `versionsGroupTooltip` says it all.
 */
export function versionsGroupDescription(view: VersionsView): string {
    if (view.kind === 'loading') return 'loading…';
    if (view.kind === 'error') return 'unavailable';
    const { versions } = view.data;
    const current = versions.find((v) => v.current);
    const healthy = versions.find((v) => v.lastHealthy);
    if (current && healthy && !current.lastHealthy) return `${versionName(current)} not healthy yet`;
    return fit([String(versions.length), current ? `current ${versionName(current)}` : '']);
}

export function versionsGroupTooltip(view: VersionsView): string {
    if (view.kind === 'loading') return 'Loading the versions…';
    if (view.kind === 'error') return `Versions unavailable: ${view.reason}`;
    const { versions } = view.data;
    const current = versions.find((v) => v.current);
    const healthy = versions.find((v) => v.lastHealthy);
    const parts = [plural(versions.length, 'version')];
    if (current) parts.push(`current ${versionName(current)}${current.lastHealthy ? ' (healthy)' : ''}`);
    if (healthy && !healthy.current) parts.push(`last healthy ${versionName(healthy)}`);
    return `${parts.join(', ')}. GET /api/v0/deployment/{id}/versions/, newest first.`;
}

function formatBytes(n: number): string {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
