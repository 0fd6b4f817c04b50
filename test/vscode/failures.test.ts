// Failures where the user looks, inside a real VS Code against the embedded local emulator with real workers: a
// worker that dies on import shows its exception on the CodeLens and the tree (mapped to app.py:<line>) with Show
// Logs; the tree and the log say which worker runs; the benchmark view's error links open where the call raised.
// The deployment is a file this suite writes into the workspace copy and removes again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/extension/types';
import type { VastDeploymentsApi } from '../../src/extension/testApi';
import type { TreeNode } from '../../src/extension/views/nodes';
import { renderBenchmarkHtml } from '../../src/extension/views/benchmarkHtml';
import { callTracebackRef } from '../../src/extension/workerFailure';
import { CommandId } from '../../src/shared/commands';
import { extensionApi, refOf, ScriptedUi, until, workspaceUri, writeDeployment } from './helpers';

const NAME = 'vscode-failing';
const FAILURE_LENS = /^\$\(error\) Worker failed: /;

async function run(id: string, ...args: unknown[]): Promise<CommandResult> {
    return (await vscode.commands.executeCommand<CommandResult>(id, ...args))!;
}

function tooltipText(item: vscode.TreeItem): string {
    const t = item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
}

/** The deployment file; `head` is line 3. */
function source(head: string): string {
    return [
        'import time',
        'from vastai import Deployment',
        head,
        '',
        `app = Deployment(name="${NAME}")`,
        'first, calls = None, 0',
        '',
        '',
        '@app.remote(benchmark_dataset=[{"x": 2}], benchmark_runs=8)',
        'async def flaky(x):',
        '    global first, calls',
        '    calls += 1',
        '    first = first or time.monotonic()',
        // The worker's startup benchmark (its first calls, within ms) must pass: fail only seconds later.
        `    if time.monotonic() - first > ${RAMP_S} and calls % 3 == 0:`,
        '        raise ValueError(f"every third call fails ({calls})")', // line 15
        '    return x * x',
        '',
        '',
        'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
        'app.configure_autoscaling()',
        '',
    ].join('\n');
}
const RAISE_LINE = 15;
/** Seconds after its first call before flaky() starts failing (the startup benchmark's calls must pass). */
const RAMP_S = 3;

suite('Worker failures where the user looks', function () {
    let api: VastDeploymentsApi;
    const ui = new ScriptedUi();
    const file = workspaceUri('failing/app.py');

    function node(): TreeNode | undefined {
        return api.tree.getChildren().find((n) => n.kind === 'deployment' && n.summary.name === NAME);
    }

    async function failureLenses(): Promise<vscode.CodeLens[]> {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
        return (l ?? []).filter((x) => FAILURE_LENS.test(x.command?.title ?? ''));
    }

    const write = (head: string) => writeDeployment(api, file, NAME, source(head), { show: true });

    suiteSetup(async () => {
        api = await extensionApi();
        api.setUi(ui);
        await api.ready();
    });

    suiteTeardown(async () => {
        try {
            if (api.status(NAME)?.remote) await run(CommandId.tearDown, refOf(api, NAME));
        } finally {
            api?.setUi(undefined);
            await vscode.workspace.fs.delete(file);
            await vscode.workspace.fs.delete(vscode.Uri.joinPath(file, '..'), { recursive: true });
        }
    });

    test('a worker failing on import: the lens and the tree say why at app.py:3, Show Logs from both; fixed, it is gone', async function () {
        this.timeout(240_000);
        await write('import not_a_real_module');
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        // The error toast's first action takes the user to their own line.
        ui.notifyAnswer = (p) => p.actions.find((a) => a.startsWith('Go to'));
        const failed = await run(CommandId.deploy, refOf(api, NAME)).finally(() => {
            ui.notifyAnswer = () => undefined;
        });
        assert.equal(failed.ok, false, failed.message);
        assert.match(failed.message, /ModuleNotFoundError/);
        assert.deepEqual(ui.last('notify')?.actions, ['Go to app.py:3', 'Show Worker Log']);
        const atImport = await until('app.py open at the import', () => {
            const e = vscode.window.activeTextEditor;
            return e?.document.uri.fsPath === file.fsPath && e.selection.active.line === 2 ? e : undefined;
        });
        assert.ok(atImport);
        await until('the deployment in error', async () => {
            await api.refreshStatus();
            return api.status(NAME)?.state === 'error';
        });

        const exception = "ModuleNotFoundError: No module named 'not_a_real_module'";
        const [lens] = await until('the failure lens', async () => {
            const l = await failureLenses();
            return l.length === 1 ? l : undefined;
        });
        assert.equal(lens!.command?.title, `$(error) Worker failed: ${exception} (app.py:3)`);
        assert.equal(lens!.range.start.line, 4, 'on the Deployment(...) line');

        const row = node();
        assert.ok(row, 'the deployment row');
        const tooltip = tooltipText(api.tree.getTreeItem(row));
        assert.ok(tooltip.includes(exception), tooltip);
        assert.ok(tooltip.includes('at app.py:3'), tooltip);
        assert.ok(tooltip.includes(`${file.fsPath}", line 3, in <module>`), `the traceback is mapped: ${tooltip}`);
        const [first] = api.tree.getChildren(row);
        assert.equal(first?.kind, 'failure', 'the failure is the first child');
        const item = api.tree.getTreeItem(first!);
        assert.equal(item.label, exception.slice(0, 47) + '…');
        assert.equal(item.description, 'app.py:3');
        assert.equal(item.contextValue, 'workerFailure');
        // Its click opens app.py at the import.
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
        const editor = await until('app.py open', () => vscode.window.activeTextEditor);
        assert.equal(editor.document.uri.fsPath, file.fsPath);
        assert.equal(editor.selection.active.line, 2);

        // Show Logs from the failure row (its inline action) and from the lens: the worker output, with the error.
        const fromRow = await run(CommandId.showLogs, first);
        assert.equal(fromRow.ok, true, fromRow.message);
        const fromLens = await run(lens!.command!.command, ...(lens!.command!.arguments ?? []));
        assert.equal(fromLens.ok, true, fromLens.message);
        assert.equal(fromLens.channel, `Vast Logs: ${NAME}`);
        await until(
            'the import error in the streamed logs',
            () => api.logLines(fromLens.deploymentId as number).some((l) => l.includes(exception)),
            30_000,
        );

        await write('import math  # fixed');
        const fixed = await run(CommandId.deploy, refOf(api, NAME));
        assert.equal(fixed.ok, true, fixed.message);
        await api.refreshStatus();
        await until('the failure lens gone', async () => (await failureLenses()).length === 0 || undefined);
        assert.equal(api.status(NAME)?.state, 'ready');
        assert.ok(!api.tree.getChildren(node()).some((n) => n.kind === 'failure'), 'no failure row');
        assert.ok(!tooltipText(api.tree.getTreeItem(node()!)).includes('failed'), 'no failure in the tooltip');
    });

    test('the tree and the log say which worker runs the local deployments', async function () {
        this.timeout(60_000);
        const workers = await api.emulatorWorkers();
        assert.ok(workers, 'the local emulator runs');
        assert.match(workers, /^the (SDK's worker \(vastai .+\)|built-in worker \(.+\))$/);
        const row = node()!;
        assert.ok(tooltipText(api.tree.getTreeItem(row)).includes(`Workers run ${workers}.`));
        const group = api.tree.getChildren(row).find((n) => n.kind === 'workers');
        assert.ok(group, 'the Workers group');
        const [worker] = api.tree.getChildren(group);
        assert.ok(tooltipText(api.tree.getTreeItem(worker!)).includes(`Runs ${workers}.`));
        // Said once in the extension's log, at the emulator's start.
        const said = await until(
            'the emulator start line in the log',
            () => {
                const logs = fs.readdirSync(api.logDir()).filter((f) => f.endsWith('.log'));
                const text = logs.map((f) => fs.readFileSync(path.join(api.logDir(), f), 'utf8')).join('\n');
                const lines = text.split('\n').filter((l) => l.includes('Local emulator listening on'));
                return lines.length ? lines : undefined;
            },
            15_000,
        );
        // Once per start: the line of the emulator running now is the last one.
        const line = said[said.length - 1]!;
        assert.ok(line.includes(`it runs ${workers};`), line);
        assert.match(line, /workers are (NOT )?sandboxed/);
    });

    test("the benchmark view links each error to where the call raised (the worker log's traceback)", async function () {
        this.timeout(120_000);
        await new Promise((r) => setTimeout(r, RAMP_S * 1000));
        const result = await run(CommandId.benchmark, refOf(api, NAME));
        assert.ok(result.message.includes('error'), result.message);
        const record = api.benchmarkHistory(NAME).last;
        assert.ok(record && record.stats.errors > 0 && record.stats.ok > 0, JSON.stringify(record?.stats));
        const html = renderBenchmarkHtml(record, undefined, 'n', 'csp');
        assert.match(html, /<a href="#" class="traceback" data-error="0"[^>]*>traceback<\/a>/);
        assert.match(html, /postMessage\(\{ type: 'openTraceback', error: Number\(a\.dataset\.error\) \}\)/);

        // What the link posts becomes this command and argument (views/benchmarkPanel → commands/index).
        const ref = callTracebackRef(record, 0);
        assert.deepEqual(
            { ...ref, error: undefined },
            { name: NAME, tag: 'default', function: 'flaky', error: undefined },
        );
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        const opened = await run(CommandId.openCallTraceback, ref);
        assert.equal(opened.ok, true, opened.message);
        assert.equal(opened.where, `app.py:${RAISE_LINE}`);
        assert.match(String(opened.exception), /^ValueError: every third call fails \(\d+\)$/);
        assert.match(String(opened.traceback), new RegExp(`app\\.py", line ${RAISE_LINE}, in flaky`));
        const editor = await until('app.py open at the raise', () => vscode.window.activeTextEditor);
        assert.equal(editor.document.uri.fsPath, file.fsPath);
        assert.equal(editor.selection.start.line, RAISE_LINE - 1);
        assert.equal(opened.channel, `Vast Logs: ${NAME}`, 'the worker log is shown beside it');
    });

    test('no machine matches image.require(...): Deploy fails at once, names the line, and the tree says the endpoint waits', async function () {
        this.timeout(120_000);
        const text = [
            'from vastai import Deployment',
            'from vastai.data.query import gpu_ram',
            '',
            `app = Deployment(name="${NAME}")`,
            '',
            '',
            '@app.remote(benchmark_dataset=[{"x": 2}])',
            'async def square(x):',
            '    return x * x',
            '',
            '',
            'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
            'image.require(gpu_ram >= 10_000_000)', // line 13: no machine has 10 TB of GPU memory
            'app.configure_autoscaling()',
            '',
        ].join('\n');
        await writeDeployment(api, file, NAME, text);
        // The index reads the new file (the earlier tests' version of it has no require(...)).
        await until('the require line indexed', () =>
            api.deployments().find((d) => d.name === NAME && d.image?.requireRange?.start.line === 12),
        );
        ui.notifyAnswer = (p) => p.actions.find((a) => a.startsWith('Go to'));
        const failed = await run(CommandId.deploy, refOf(api, NAME)).finally(() => {
            ui.notifyAnswer = () => undefined;
        });
        assert.equal(failed.ok, false, failed.message);
        assert.match(failed.message, /no machine matches the deployment's image\.require\(\.\.\.\)/);
        assert.match(failed.message, /nothing bills/);
        const toast = ui.prompts.filter((p) => p.kind === 'notify' && p.message === `[error] ${failed.message}`).pop();
        assert.deepEqual(toast?.actions, ['Go to app.py:13', 'Machines and Prices']);
        const atRequire = await until('app.py open at image.require(...)', () => {
            const e = vscode.window.activeTextEditor;
            return e?.document.uri.fsPath === file.fsPath && e.selection.active.line === 12 ? e : undefined;
        });
        assert.ok(atRequire);

        // The tree: deployed, no worker, and why, in words (not "no workers yet" forever).
        const status = await until('the deployment waiting for a machine', async () => {
            await api.refreshStatus();
            const s = api.status(NAME);
            return s?.state === 'noMachine' ? s : undefined;
        });
        assert.equal(status.runningWorkers, 0);
        const row = node()!;
        assert.equal(api.tree.getTreeItem(row).description, 'no machine matches');
        const [first] = api.tree.getChildren(row);
        assert.equal(first?.kind, 'message');
        const item = api.tree.getTreeItem(first!);
        assert.equal(item.label, 'No machine matches image.require(...)');
        assert.match(tooltipText(item), /nothing bills/);
    });
});
