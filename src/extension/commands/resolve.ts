import * as vscode from 'vscode';
import type { DeploymentRef } from '../../shared/commands';
import type { DeploymentSummary } from '../../shared/protocol';
import type { ExtensionState } from '../state';
import { toRemote } from '../status';
import { displayName } from '../util';
import { isDeploymentNode, isRemoteNode } from '../views/nodes';
import type { RemoteDeployment } from '../types';

/** What a command acts on: a definition in the workspace, or a deployment that only exists on the account. */
export type Subject =
    | { kind: 'local'; summary: DeploymentSummary; name: string; tag: string }
    | { kind: 'remote'; remote: RemoteDeployment; name: string; tag: string };

/** `{ kind: 'remoteByName', name, tag }`: from the benchmark view's buttons. */
function isByName(x: unknown): x is { name: string; tag: string } {
    return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'remoteByName';
}

function isRef(x: unknown): x is DeploymentRef {
    if (!x || typeof x !== 'object') return false;
    const r = x as Record<string, unknown>;
    return typeof r.uri === 'string' && typeof r.name === 'string';
}

/** Makes sure the index is there (the language server is started on demand). */
export async function ensureIndex(state: ExtensionState): Promise<void> {
    if (!state.index.isLoaded) {
        await state.index.start();
        await state.index.relist();
    }
}

function fromSummary(d: DeploymentSummary): Subject | undefined {
    if (d.name === undefined || d.tag === undefined) return undefined;
    return { kind: 'local', summary: d, name: d.name, tag: d.tag };
}

/**
 * The subject of a command from its argument: a CodeLens `DeploymentRef`, a tree node, or nothing (the palette: the
 * deployment under the cursor, or a quick pick). `includeRemote` adds account-only deployments to the pick.
 */
export async function resolveSubject(
    state: ExtensionState,
    arg: unknown,
    purpose: string,
    includeRemote = false,
): Promise<Subject | undefined> {
    // A worker row (its "Workers" group, a failure row): the deployment it belongs to.
    let node: unknown = arg;
    while (isChildNode(node)) node = node.parent;
    arg = node;
    if (isDeploymentNode(arg)) return fromSummary(arg.summary) ?? failDynamic(arg.summary);
    if (isRemoteNode(arg)) return { kind: 'remote', remote: arg.remote, name: arg.remote.name, tag: arg.remote.tag };
    await ensureIndex(state);
    if (isByName(arg)) {
        const d = state.index.all().find((x) => x.name === arg.name && x.tag === arg.tag);
        if (d) return fromSummary(d);
        const r = state.status.findRemote(arg.name, arg.tag);
        if (r) return { kind: 'remote', remote: r, name: r.name, tag: r.tag };
        throw new Error(`"${displayName(arg.name, arg.tag)}" is neither in this workspace nor on the account.`);
    }
    if (isRef(arg)) {
        let d = state.index.find(arg);
        if (!d) {
            await state.index.relist();
            d = state.index.find(arg);
        }
        if (!d) {
            throw new Error(
                `"${displayName(arg.name, arg.tag)}" is no longer defined in ${vscode.Uri.parse(arg.uri).fsPath}`,
            );
        }
        return fromSummary(d) ?? failDynamic(d);
    }
    const all = state.index.all().filter((d) => d.name !== undefined && d.tag !== undefined);
    const editor = vscode.window.activeTextEditor;
    if (editor) {
        const here = all.filter((d) => d.uri === editor.document.uri.toString());
        const line = editor.selection.active.line;
        const under = here
            .filter((d) => d.range.start.line <= line)
            .sort((a, b) => b.range.start.line - a.range.start.line)[0];
        if (here.length === 1) return fromSummary(here[0]!);
        if (under) return fromSummary(under);
    }
    type Item = vscode.QuickPickItem & { subject: Subject };
    const items: Item[] = all.flatMap((d) => {
        const s = fromSummary(d);
        if (!s) return [];
        return [
            {
                label: displayName(d.name, d.tag),
                description: vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri)),
                detail: state.status.get(d).label,
                subject: s,
            },
        ];
    });
    if (includeRemote) {
        const local = new Set(items.map((i) => `${i.subject.name}\u0000${i.subject.tag}`));
        for (const r of state.status.allRemotes() ?? []) {
            if (local.has(`${r.name}\u0000${r.tag}`)) continue;
            items.push({
                label: displayName(r.name, r.tag),
                description: 'not in this workspace',
                detail: state.status.getRemote(r).label,
                subject: { kind: 'remote', remote: r, name: r.name, tag: r.tag },
            });
        }
    }
    if (items.length === 0) throw new Error('No Deployment(...) with a literal name found in this workspace.');
    const picked = await state.ui.pick(items, { placeHolder: `Deployment to ${purpose}`, matchOnDescription: true });
    return picked?.subject;
}

function isChildNode(x: unknown): x is { kind: 'worker' | 'workers' | 'failure'; parent: unknown } {
    const k = !!x && typeof x === 'object' ? (x as { kind?: unknown }).kind : undefined;
    return k === 'worker' || k === 'workers' || k === 'failure';
}

function failDynamic(d: DeploymentSummary): never {
    throw new Error(
        `The Deployment at ${vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri))}:${d.range.start.line + 1} has a name or tag that is not a literal, so it cannot be deployed from the editor.`,
    );
}

/** The deployed record of a subject, asked fresh from the service (the cache may be minutes old). */
export async function deployedRecord(
    state: ExtensionState,
    s: Subject,
    signal?: AbortSignal,
): Promise<RemoteDeployment | undefined> {
    const conn = await state.connection('Talking to the service');
    const found = await conn.client.findDeployments(s.name, s.tag, { signal });
    const rec = found[0];
    return rec ? toRemote(rec) : undefined;
}
