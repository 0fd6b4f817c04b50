// Machines and prices before deploying, and a deployment's versions, inside a real VS Code against the embedded
// local emulator (its synthetic market and real workers). The deployments here are files this suite writes into the
// workspace copy and removes again, so the other suites' counts are untouched.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/extension/types';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import type { TreeNode } from '../../src/extension/views/nodes';
import { CommandId } from '../../src/shared/commands';
import { extensionApi, refOf, ScriptedUi, settle, until, workspaceUri } from './helpers';
import { suiteConfig, takeScreenshot } from './suiteConfig';

async function run(id: string, ...args: unknown[]): Promise<CommandResult> {
    return (await vscode.commands.executeCommand<CommandResult>(id, ...args))!;
}

function label(item: vscode.TreeItem): string {
    return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** A deployment file: `require` is the body of image.require(...). */
function source(name: string, require: string, imports: string, body = 'return x * x'): string {
    return [
        'from vastai import Deployment',
        `from vastai.data.query import ${imports}`,
        '',
        `app = Deployment(name="${name}")`,
        '',
        '',
        '@app.remote(benchmark_dataset=[{"x": 3}])',
        'async def square(x):',
        `    ${body}`,
        '',
        '',
        'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
        `image.require(${require})`,
        'app.configure_autoscaling(cold_workers=1, max_workers=2)',
        '',
    ].join('\n');
}

/** The machines lens of `uri` once its search has an answer (not "searching…") that `accept` takes. */
async function machinesLens(uri: vscode.Uri, accept = (_title: string) => true): Promise<vscode.CodeLens> {
    return until(
        `a machines lens with an answer on ${path.basename(uri.fsPath)}`,
        async () => {
            const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
            const lens = (all ?? []).find((l) =>
                [CommandId.showMachines, CommandId.setApiKey].includes(l.command?.command as never),
            );
            const title = lens?.command?.title ?? '';
            return lens && !/searching/.test(title) && accept(title) ? lens : undefined;
        },
        30_000,
        200,
    );
}

suite('Machines and prices, versions (trusted)', function () {
    let api: VastDeploymentsApi;
    const ui = new ScriptedUi();
    const written: string[] = [];

    function write(rel: string, text: string): vscode.Uri {
        const uri = workspaceUri(rel);
        fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
        fs.writeFileSync(uri.fsPath, text);
        written.push(uri.fsPath);
        return uri;
    }

    suiteSetup(async () => {
        api = await extensionApi();
        api.setUi(ui);
        await api.ready();
    });

    suiteTeardown(async () => {
        for (const f of written) fs.rmSync(f, { force: true });
        fs.rmSync(workspaceUri('market').fsPath, { recursive: true, force: true });
        api?.setUi(undefined);
    });

    test('a matching require shows count and prices (synthetic); one matching nothing warns, and so does the plan', async function () {
        this.timeout(120_000);
        // The fixture's vscode-hello: gpu_ram >= 24 GB, max_workers=1.
        const hello = workspaceUri('hello/app.py');
        const doc = await vscode.workspace.openTextDocument(hello);
        await vscode.window.showTextDocument(doc);
        const lens = await machinesLens(hello);
        assert.match(
            lens.command!.title,
            /^\d+ machines match · from \$\d+\.\d{3}\/h per worker · max_workers=1: \$\d+\.\d{3}\/h \(synthetic prices\)$/,
        );
        assert.match(doc.lineAt(lens.range.start.line).text, /^image\.require\(/, 'on the require(...) line');
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            hello,
            new vscode.Position(lens.range.start.line, 3),
        );
        const hoverText = (hovers ?? [])
            .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
            .join('\n');
        assert.match(hoverText, /synthetic prices/);
        assert.match(hoverText, /One worker: from \$/);
        await settle();
        await takeScreenshot('machines-lens');

        const none = write(
            'market/nomatch.py',
            source('vscode-nomatch', 'num_gpus >= 16, gpu_ram >= 24000', 'gpu_ram, num_gpus'),
        );
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(none));
        await until('vscode-nomatch indexed', () => api.deployments().some((d) => d.name === 'vscode-nomatch'));
        const warned = await machinesLens(none);
        assert.equal(warned.command!.title, '⚠ no machine matches: workers would never start (synthetic prices)');
        await settle();
        await takeScreenshot('machines-lens-none');

        // The plan (confirmDeploy "always"): the warning is the first thing under the title. Cancel: nothing sent.
        const config = vscode.workspace.getConfiguration('vastDeployments');
        await config.update('confirmDeploy', 'always', vscode.ConfigurationTarget.Workspace);
        ui.confirmAnswer = () => undefined;
        let cancelled: CommandResult;
        try {
            cancelled = await run(CommandId.deploy, refOf(api, 'vscode-nomatch'));
        } finally {
            ui.confirmAnswer = (p) => p.actions[0];
            await config.update('confirmDeploy', undefined, vscode.ConfigurationTarget.Workspace);
        }
        assert.equal(cancelled.cancelled, true, cancelled.message);
        const plan = ui.last('confirm');
        assert.match(plan?.message ?? '', /^Create vscode-nomatch on the local emulator/);
        assert.equal(
            plan?.detail?.split('\n')[0],
            '⚠ no machine matches: workers would never start (synthetic prices).',
        );
        assert.match(plan?.detail ?? '', /^Machines: ⚠ no machine matches/m);
        await api.refreshStatus();
        assert.equal(api.status('vscode-nomatch')?.state, 'notDeployed', 'Cancel sent nothing');

        // And the matching one's plan gives its count and prices.
        await config.update('confirmDeploy', 'always', vscode.ConfigurationTarget.Workspace);
        ui.confirmAnswer = () => undefined;
        try {
            await run(CommandId.deploy, refOf(api, 'vscode-hello'));
        } finally {
            ui.confirmAnswer = (p) => p.actions[0];
            await config.update('confirmDeploy', undefined, vscode.ConfigurationTarget.Workspace);
        }
        const helloPlan = ui.last('confirm')?.detail ?? '';
        assert.match(
            helloPlan,
            /^Machines: \d+ machines match · from \$[\d.]+\/h per worker · max_workers=1: .*\(synthetic prices\)$/m,
        );
        assert.doesNotMatch(helloPlan, /⚠/);
    });

    test('on the Vast target the lens says why prices are unavailable (a rejected key), then shows them', async function () {
        this.timeout(90_000);
        // The "Vast.ai" target pointed at the runner's emulator: a wrong key is rejected like on Vast.ai.
        const emulatorUrl = suiteConfig().emulator?.url;
        const goodKey = suiteConfig().emulator?.apiKey;
        assert.ok(emulatorUrl && goodKey, 'the runner started an emulator');
        const hello = workspaceUri('hello/app.py');
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(hello));
        const config = vscode.workspace.getConfiguration('vastDeployments');
        await config.update('apiUrl', emulatorUrl, vscode.ConfigurationTarget.Workspace);
        await config.update('autoscalerUrl', emulatorUrl, vscode.ConfigurationTarget.Workspace);
        await config.update('target', 'vast', vscode.ConfigurationTarget.Workspace);
        try {
            assert.equal((await run(CommandId.setApiKey, 'wrong-key-0123456789abcdef')).ok, true);
            const rejected = await machinesLens(hello, (t) => t.startsWith('prices unavailable'));
            assert.match(rejected.command!.title, /^prices unavailable: the offers search answered HTTP 40[13]\b/);
            assert.ok(rejected.command!.title.length <= 120, 'short');
            assert.ok(!rejected.command!.title.includes('wrong-key'), 'the key never shows');
            await run(CommandId.setApiKey, goodKey);
            const priced = await machinesLens(hello, (t) => !t.startsWith('prices unavailable'));
            // The emulator answers on the Vast target too, and says its prices are synthetic: the label follows it.
            assert.match(priced.command!.title, /^\d+ machines match · .*\(synthetic prices\)$/);
            assert.equal(priced.command!.command, CommandId.showMachines);
            const again = await run(CommandId.showMachines, priced.command!.arguments![0]);
            assert.equal(again.ok, true, again.message);
            assert.match(again.message, /^vscode-hello: \d+ machines match · from \$/);
        } finally {
            await run(CommandId.clearApiKey);
            await config.update('target', undefined, vscode.ConfigurationTarget.Workspace);
            await config.update('apiUrl', undefined, vscode.ConfigurationTarget.Workspace);
            await config.update('autoscalerUrl', undefined, vscode.ConfigurationTarget.Workspace);
        }
    });

    test('a local deploy with no machine matching asks nothing and fails at once with the reason (no worker, nothing bills)', async function () {
        this.timeout(120_000);
        const before = ui.prompts.length;
        const deployed = await run(CommandId.deploy, refOf(api, 'vscode-nomatch'));
        assert.equal(deployed.ok, false, deployed.message);
        assert.match(
            deployed.message,
            /no worker can be created: the endpoint waits, with no worker \(nothing bills\)/,
        );
        const said = ui.prompts.slice(before);
        assert.equal(
            said.find((p) => p.kind === 'confirm'),
            undefined,
            'nothing was asked',
        );
        // One toast, the failure: no warning saying the same beside it.
        assert.deepEqual(
            said.filter((p) => p.kind === 'notify').map((p) => p.message.slice(0, 8)),
            ['[error] '],
        );
        assert.deepEqual(deployed.machines, {
            line: 'Machines: ⚠ no machine matches: workers would never start (synthetic prices)',
            warning: '⚠ no machine matches: workers would never start (synthetic prices).',
        });
        const down = await run(CommandId.tearDown, refOf(api, 'vscode-nomatch'));
        assert.equal(down.ok, true, down.message);
    });

    test('after two deploys the Versions row marks the current and last healthy version', async function () {
        this.timeout(240_000);
        const NAME = 'vscode-versions';
        const uri = write('market/versions.py', source(NAME, 'gpu_ram >= 24000', 'gpu_ram'));
        await until(`${NAME} indexed`, () => api.deployments().some((d) => d.name === NAME));
        const first = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(first.ok, true, first.message);
        fs.writeFileSync(uri.fsPath, source(NAME, 'gpu_ram >= 24000', 'gpu_ram', 'return x * x * 1'));
        await until(`${NAME} out of date`, async () => {
            await api.refreshStatus();
            return api.status(NAME)?.state === 'outOfDate';
        });
        const second = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(second.ok, true, second.message);
        assert.equal(second.action, 'soft_update');

        const node = (): TreeNode | undefined =>
            api.tree.getChildren().find((n) => n.kind === 'deployment' && n.summary.name === NAME);
        const versions = await until(
            'the Versions row: two versions, the newest current and healthy',
            async () => {
                await api.refreshStatus();
                const n = node();
                const v = n && api.tree.getChildren(n).find((c) => c.kind === 'versions');
                const d = v && String(api.tree.getTreeItem(v).description);
                return d === '2 · current v2' ? v : undefined;
            },
            60_000,
            250,
        );
        assert.equal(label(api.tree.getTreeItem(versions)), 'Versions');
        const rows = api.tree.getChildren(versions).map((r) => api.tree.getTreeItem(r));
        assert.equal(rows.length, 2);
        assert.match(label(rows[0]!), /^v2 · (just now|\d+ s ago)$/);
        assert.match(String(rows[0]!.description), /^current · [0-9a-f]{7}$/);
        assert.equal((rows[0]!.iconPath as vscode.ThemeIcon).id, 'pass-filled', 'current and healthy');
        assert.match(label(rows[1]!), /^v1 · /);
        assert.match(String(rows[1]!.description), /^[0-9a-f]{7}$/, 'the older one has no mark');
        assert.equal((rows[1]!.iconPath as vscode.ThemeIcon).id, 'git-commit');
        assert.match(String((rows[0]!.tooltip as vscode.MarkdownString).value), /Current and healthy/);
        assert.match(String(api.tree.getTreeItem(versions).tooltip), /^2 versions, current v2 \(healthy\)\./);
        // The view renders the new root row a moment after it is shown: retry the reveal (for the screenshot only).
        await vscode.commands.executeCommand('workbench.view.extension.vastDeployments');
        await until(
            'the view to show the deployment',
            async () => {
                await api.tree.reveal(node()!);
                await api.tree.reveal(versions);
                return true;
            },
            10_000,
            250,
        );
        await settle();
        await takeScreenshot('versions');

        const down = await run(CommandId.tearDown, refOf(api, NAME));
        assert.equal(down.ok, true, down.message);
    });
});
