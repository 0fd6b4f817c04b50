/**
 * What the Deployments tree shows, computed from the language server's index and the status cache. vscode-free and
 * pure, so it is cheap (the 200-deployment render is measured in the bench and the suite) and easy to reason about.
 */
import type { DeploymentSummary } from '../../shared/protocol';
import { summaryRemoteKey } from '../statusModel';
import type { DeployState, DeploymentStatus, RemoteDeployment } from '../types';
import { displayName, plural, remoteKey } from '../util';

/** The tree's `contextValue`: a noun then flags the package.json menus match with regexes. */
export function contextValueFor(kind: 'deployment' | 'remoteDeployment', status: DeploymentStatus): string {
    const flags: string[] = [kind, status.state];
    if (status.remote) flags.push('deployed');
    if (status.remote && status.state !== 'stopped') flags.push('running');
    if (status.state === 'stopped') flags.push('stopped');
    return flags.join(' ');
}

/** Codicon id and theme colour id for a state. */
export function iconFor(state: DeployState): { id: string; color?: string } {
    switch (state) {
        case 'ready':
            return { id: 'pass-filled', color: 'testing.iconPassed' };
        case 'deploying':
        case 'tearingDown':
            return { id: 'sync~spin' };
        case 'updating':
            return { id: 'sync~spin', color: 'charts.blue' };
        case 'outOfDate':
            return { id: 'cloud-upload', color: 'list.warningForeground' };
        case 'stopped':
            return { id: 'debug-stop', color: 'disabledForeground' };
        case 'error':
            return { id: 'error', color: 'list.errorForeground' };
        case 'notDeployed':
            return { id: 'circle-large-outline' };
        case 'unknown':
            return { id: 'question' };
        case 'noMachine':
            return { id: 'warning', color: 'list.warningForeground' };
    }
}

/** Key of one deployment definition in the workspace (a file can define several). */
export function definitionKey(d: DeploymentSummary): string {
    return `${d.uri}#${d.range.start.line}:${d.range.start.character}`;
}

/** The service key for a definition, or undefined when its name is not a literal. */

export function summaryLabel(d: DeploymentSummary): string {
    if (d.name === undefined) return '(dynamic name)';
    return d.unnamed ? `${d.name} (unnamed)` : d.name;
}

/**
 * The most the words we write in a description may hold (a tag the user chose comes on top) and still read whole in
 * the default-width sidebar (about 300 px) beside a 16-character name. The detail lives in the tooltip.
 */
export const DESCRIPTION_BUDGET = 20;

/** A deployment's state in the fewest words: the icon says the rest, the tooltip says all (`status.label`). */
export function shortStatus(status: DeploymentStatus): string {
    switch (status.state) {
        case 'ready':
            return status.readyWorkers > 0 ? `ready · ${plural(status.readyWorkers, 'worker')}` : 'no workers';
        case 'outOfDate':
            return 'out of date';
        case 'updating':
            return 'updating';
        case 'error':
            return 'failed';
        case 'noMachine':
            return 'no machine matches';
        case 'unknown':
            return status.label ? 'status unavailable' : '';
        default:
            return status.label;
    }
}

/**
 * What fits on a deployment row (label and description, in characters) at the default sidebar width: checked on the
 * suite's screenshots ("vscode-echo canary · not deployed" fits, "keyword-extractor staging · not deployed" did not).
 */
export const DEPLOYMENT_ROW_BUDGET = 34;

/**
 * Description: `tag · status`, our words within DESCRIPTION_BUDGET. Errors in the file replace a status that says
 * nothing runs (the row's icon turns red); beside a deployed status they show when they fit. "not deployed" gives
 * way to a tag when the row would be cut off (the hollow icon and the tooltip still say it). The tooltip has all.
 */
export function summaryDescription(d: DeploymentSummary, status: DeploymentStatus): string {
    const tag = d.tag && d.tag !== 'default' ? [d.tag] : [];
    if (d.name === undefined) return [...tag, 'dynamic name'].join(' · ');
    if (d.tag === undefined) return 'dynamic tag';
    const words = statusWords(d, status);
    const full = [...tag, words].filter(Boolean).join(' · ');
    const tooLong = summaryLabel(d).length + 1 + full.length > DEPLOYMENT_ROW_BUDGET;
    return tooLong && tag.length && status.state === 'notDeployed' && words === status.label ? tag.join('') : full;
}

function statusWords(d: DeploymentSummary, status: DeploymentStatus): string {
    const short = shortStatus(status);
    const errors = d.problems.errors > 0 ? plural(d.problems.errors, 'error') : '';
    if (errors && !status.remote) return errors;
    if (errors && `${short} · ${errors}`.length <= DESCRIPTION_BUDGET) return `${short} · ${errors}`;
    return short;
}

/** Markdown tooltip for a deployment. */
export function summaryTooltip(d: DeploymentSummary, status: DeploymentStatus, fileLabel: string): string {
    const lines = [
        `**${displayName(d.name, d.tag)}**`,
        '',
        `Defined in \`${fileLabel}\`, line ${d.range.start.line + 1}`,
    ];
    if (d.name === undefined) lines.push('', 'Its name is not a literal: it cannot be deployed from the editor.');
    if (d.tag === undefined) lines.push('', 'Its tag is not a literal.');
    if (status.label) lines.push('', `Status: ${status.label}`);
    if (status.reason) lines.push('', `Status unavailable: ${status.reason}`);
    if (status.remote) lines.push(`Deployment id ${status.remote.id}, endpoint ${status.remote.endpointState ?? '?'}`);
    if (status.outOfDate) lines.push('', 'The local code differs from the deployed code: Deploy to update.');
    if (d.image?.ref) lines.push('', `Image \`${d.image.ref}\``);
    if (d.problems.errors > 0) {
        lines.push('', `${plural(d.problems.errors, 'error')} in the file: fix before deploying.`);
    }
    return lines.join('\n');
}

/** Splits a `search_params` string into its terms, for the image's hardware filter children. */
export function searchTerms(searchParams: string | undefined): string[] {
    if (!searchParams) return [];
    // `gpu_name in RTX_4090,RTX_5090` has spaces around `in`/`notin`: keep those three tokens together.
    const tokens = searchParams.split(' ').filter((t) => t !== '');
    const out: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        if ((t === 'in' || t === 'notin') && out.length > 0 && i + 1 < tokens.length) {
            out.push(`${out.pop()!} ${t} ${tokens[++i]!}`);
        } else {
            out.push(t);
        }
    }
    return out;
}

/** Groups definitions by workspace folder, folders in the order given, definitions by name. */
export function groupByFolder(
    summaries: readonly DeploymentSummary[],
    folders: readonly string[],
): Map<string, DeploymentSummary[]> {
    const groups = new Map<string, DeploymentSummary[]>(folders.map((f) => [f, []]));
    const other: DeploymentSummary[] = [];
    for (const d of summaries) {
        const f = d.workspaceFolder ?? folders.find((x) => d.uri.startsWith(x.endsWith('/') ? x : `${x}/`));
        const g = f === undefined ? undefined : groups.get(f);
        if (g) g.push(d);
        else other.push(d);
    }
    if (other.length) groups.set('', other);
    for (const g of groups.values()) g.sort(compareSummaries);
    return groups;
}

export function compareSummaries(a: DeploymentSummary, b: DeploymentSummary): number {
    return (
        (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') ||
        (a.tag ?? '').localeCompare(b.tag ?? '') ||
        a.uri.localeCompare(b.uri) ||
        a.range.start.line - b.range.start.line
    );
}

/** Remote deployments no workspace definition names (the "Not in this workspace" section). */
export function unmatchedRemotes(
    remotes: readonly RemoteDeployment[],
    summaries: readonly DeploymentSummary[],
): RemoteDeployment[] {
    const local = new Set(summaries.map(summaryRemoteKey).filter((k): k is string => k !== undefined));
    return remotes
        .filter((r) => !local.has(remoteKey(r.name, r.tag)))
        .sort((a, b) => a.name.localeCompare(b.name) || a.tag.localeCompare(b.tag));
}
