// Shared by the extension-host test files: the extension's API, polling without fixed sleeps, a scripted UI.
import * as vscode from 'vscode';
import type { DeploymentRef } from '../../src/shared/commands';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import type { Ui } from '../../src/extension/ui';

export const EXTENSION_ID = 'vast-deployments.vast-deployments';

export async function extensionApi(): Promise<VastDeploymentsApi> {
    const ext = vscode.extensions.getExtension<VastDeploymentsApi>(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
    return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `probe` until it returns something other than undefined/false; fails with `what` and the last value seen. */
export async function until<T>(
    what: string,
    probe: () => T | undefined | false | Promise<T | undefined | false>,
    timeoutMs = 30_000,
    intervalMs = 100,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await probe();
            if (v !== undefined && v !== false) return v;
            last = v;
        } catch (err) {
            last = err;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

export function workspaceUri(rel: string): vscode.Uri {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('no workspace folder');
    return vscode.Uri.joinPath(folder.uri, rel);
}

/** Writes a deployment file into the workspace and waits until the editor has the text and the index the deployment. */
export async function writeDeployment(
    api: VastDeploymentsApi,
    file: vscode.Uri,
    name: string,
    text: string,
    o: { show?: boolean } = {},
): Promise<void> {
    await vscode.workspace.fs.writeFile(file, Buffer.from(text));
    const doc = await vscode.workspace.openTextDocument(file);
    if (o.show) await vscode.window.showTextDocument(doc);
    await until('the editor to show the new text', () => doc.getText() === text, 30_000);
    await until(`${name} indexed`, () => api.deployments().some((d) => d.name === name), 60_000);
}

/** The CodeLens argument for a deployment of the index. */
export function refOf(api: VastDeploymentsApi, name: string, tag = 'default'): DeploymentRef {
    const d = api.deployments().find((x) => x.name === name && x.tag === tag);
    if (!d) {
        throw new Error(
            `no deployment ${name} (${tag}) in the index: ${api
                .deployments()
                .map((x) => x.name)
                .join(', ')}`,
        );
    }
    return { uri: d.uri, name, tag, range: d.range };
}

export interface Prompt {
    kind: 'confirm' | 'notify' | 'input' | 'pick';
    message: string;
    detail?: string;
    actions: string[];
}

/** Answers modals like a user would (the first action unless told otherwise) and records everything said. */
export class ScriptedUi implements Ui {
    readonly prompts: Prompt[] = [];
    /** Answer for the next confirm; default: its first action. `null` = Cancel. */
    confirmAnswer: (p: Prompt) => string | undefined = (p) => p.actions[0];
    /** What the user clicks on a notification; default: nothing (dismissed). */
    notifyAnswer: (p: Prompt) => string | undefined = () => undefined;

    async confirm(message: string, detail: string, ...actions: string[]): Promise<string | undefined> {
        const p: Prompt = { kind: 'confirm', message, detail, actions };
        this.prompts.push(p);
        return this.confirmAnswer(p);
    }
    async notify(
        kind: 'info' | 'warning' | 'error',
        message: string,
        ...actions: string[]
    ): Promise<string | undefined> {
        const p: Prompt = { kind: 'notify', message: `[${kind}] ${message}`, actions };
        this.prompts.push(p);
        return this.notifyAnswer(p);
    }
    async input(options: vscode.InputBoxOptions): Promise<string | undefined> {
        this.prompts.push({ kind: 'input', message: options.prompt ?? '', actions: [] });
        return undefined;
    }
    async pick<T extends vscode.QuickPickItem>(
        items: readonly T[],
        options: vscode.QuickPickOptions,
    ): Promise<T | undefined> {
        this.prompts.push({ kind: 'pick', message: options.placeHolder ?? '', actions: items.map((i) => i.label) });
        return items[0];
    }
    last(kind: Prompt['kind']): Prompt | undefined {
        return [...this.prompts].reverse().find((p) => p.kind === kind);
    }
}

/** A measurement line the runner's output keeps (one JSON object, like the benches). */
export function measure(obj: Record<string, unknown>): void {
    console.log(`[measure] ${JSON.stringify(obj)}`);
}

/** Lets the workbench paint what a test just did before a screenshot (screenshots only; never for assertions). */
export function settle(ms = 600): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}
