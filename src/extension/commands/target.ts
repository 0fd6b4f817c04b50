import * as vscode from 'vscode';
import type { Target } from '../../shared/settings';
import { readSettings, writeTarget } from '../settings';
import type { ExtensionState } from '../state';
import { resolveSubject } from './resolve';
import type { CommandResult } from '../types';

/** Vast.ai or the local emulator; writes `vastDeployments.target`. An argument (`'local'`/`'vast'`) skips the pick. */
export function chooseTarget(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        const current = readSettings().target;
        let target: Target | undefined = arg === 'local' || arg === 'vast' ? arg : undefined;
        if (!target) {
            const hasKey = await state.connections.hasVastKey();
            const items: (vscode.QuickPickItem & { target: Target })[] = [
                {
                    label: '$(vm) Local emulator',
                    description: current === 'local' ? 'current' : '',
                    detail: 'On this machine: no account, no GPU, workers are local Python processes.',
                    target: 'local',
                },
                {
                    label: '$(cloud) Vast.ai',
                    description: current === 'vast' ? 'current' : '',
                    detail: hasKey ? readSettings().apiUrl : 'Needs an API key (you will be asked for one).',
                    target: 'vast',
                },
            ];
            target = (await state.ui.pick(items, { placeHolder: 'Where should Deploy, Benchmark and Tear down go?' }))
                ?.target;
        }
        if (!target) return { ok: false, cancelled: true, message: 'Target unchanged' };
        if (target !== current) await writeTarget(target);
        await state.updateKeyContext();
        if (target === 'vast' && !(await state.connections.hasVastKey())) {
            void state.ui.notify('info', 'Deploying to Vast.ai needs an API key.', 'Set API Key').then((a) => {
                if (a) void vscode.commands.executeCommand('vastDeployments.setApiKey');
            });
        }
        return { ok: true, message: `Target: ${target === 'local' ? 'local emulator' : 'Vast.ai'}`, target };
    };
}

/**
 * Opens the Vast console's Serverless page. The local emulator has no web console: its record of the deployment
 * (deployment, endpoint without its key, workers) opens as a read-only JSON document instead.
 */
export function openInConsole(state: ExtensionState) {
    return async (arg?: unknown): Promise<CommandResult> => {
        const conn = await state.connection('Opening the console');
        if (conn.target === 'local') {
            const subject = await resolveSubject(state, arg, 'show', true);
            if (!subject) return { ok: false, cancelled: true, message: 'Nothing chosen' };
            const [rec] = await conn.client.findDeployments(subject.name, subject.tag);
            if (!rec) {
                return {
                    ok: false,
                    notDeployed: true,
                    message: `"${subject.name}" is not deployed on the local emulator`,
                };
            }
            const deployment = await conn.client.showDeployment(rec.id);
            const endpointId = deployment.endpoint_id;
            const endpoint =
                endpointId === undefined ? undefined : await conn.client.getEndpoint(endpointId).catch(() => undefined);
            if (endpoint) delete endpoint.api_key;
            const workers =
                endpointId === undefined ? [] : await conn.client.getEndpointWorkers(endpointId).catch(() => []);
            const content = JSON.stringify({ emulator: conn.webserverUrl, deployment, endpoint, workers }, null, 2);
            // A read-only document (a content provider's), not a dirty Untitled one that asks to be saved.
            const uri = recordView(state).show(
                `${subject.name}${subject.tag === 'default' ? '' : `-${subject.tag}`}`,
                content,
            );
            const doc = await vscode.workspace.openTextDocument(uri);
            await vscode.languages.setTextDocumentLanguage(doc, 'json');
            await vscode.window.showTextDocument(doc, { preview: true });
            return { ok: true, message: `Showing the local emulator's record of ${subject.name}` };
        }
        // The web console lives on cloud.vast.ai for the production API; another API URL is its own console.
        const base = /^https:\/\/console\.vast\.ai$/.test(conn.webserverUrl)
            ? 'https://cloud.vast.ai'
            : conn.webserverUrl;
        const url = `${base}/serverless/`;
        await vscode.env.openExternal(vscode.Uri.parse(url));
        return { ok: true, message: `Opened ${url}`, url };
    };
}

const RECORD_SCHEME = 'vast-emulator';

/** Read-only views of the local emulator's records, one per deployment, replaced on each Open in Console. */
class RecordView implements vscode.TextDocumentContentProvider {
    private readonly contents = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;

    show(name: string, content: string): vscode.Uri {
        const uri = vscode.Uri.from({ scheme: RECORD_SCHEME, path: `/local emulator/${name}.json` });
        this.contents.set(uri.toString(), content);
        this.changed.fire(uri);
        return uri;
    }

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.contents.get(uri.toString()) ?? '';
    }
}

let recordViewInstance: RecordView | undefined;

function recordView(state: ExtensionState): RecordView {
    if (!recordViewInstance) {
        const view = new RecordView();
        state.context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(RECORD_SCHEME, view), {
            dispose: () => (recordViewInstance = undefined),
        });
        recordViewInstance = view;
    }
    return recordViewInstance;
}
