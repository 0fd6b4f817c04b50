// Deleting files and folders, the way VS Code reports it: a deleted folder is one Deleted event for the folder (its
// files get none), and a file's own events may come before, after or in the same batch as its folder's. The index
// must drop what is gone, keep indexing afterwards, and re-check files that copy a folder when that folder changes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
    DidChangeWatchedFilesNotification,
    FileChangeType,
    WatchKind,
    type FileEvent,
    type FileSystemWatcher,
} from 'vscode-languageserver-protocol';
import { globToRegExp } from '../../src/language-server/globs';
import { ListDeploymentsRequest, type DeploymentSummary } from '../../src/shared/protocol';
import { goodApp, makeWorkspace, uriOf } from './helpers';
import { LspClient } from './lspClient';

/** The extension test's deployment: it copies the `config` folder next to it. */
const COPYING_APP = [
    'from vastai import Deployment',
    '',
    'app = Deployment(name="vscode-secret")',
    '',
    '',
    '@app.remote(benchmark_dataset=[{"x": 1}])',
    'async def one(x):',
    '    return x',
    '',
    '',
    'image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)',
    'image.copy("config", "/app/config")',
    'app.configure_autoscaling()',
    '',
].join('\n');

type Step = { kind: 'file' | 'folder'; type: FileChangeType }[];

const D = FileChangeType.Deleted;
const C = FileChangeType.Changed;

/** Each case: the notifications sent after `secret/app.py` and then `secret/` are deleted from disk. */
const ORDERS: { name: string; notifications: Step[] }[] = [
    { name: 'the folder event only', notifications: [[{ kind: 'folder', type: D }]] },
    {
        name: 'the file event, then the folder event',
        notifications: [[{ kind: 'file', type: D }], [{ kind: 'folder', type: D }]],
    },
    {
        name: 'the folder event, then the file event, in one batch',
        notifications: [
            [
                { kind: 'folder', type: D },
                { kind: 'file', type: D },
            ],
        ],
    },
    {
        name: 'the folder event, then a late Changed event for the file',
        notifications: [[{ kind: 'folder', type: D }], [{ kind: 'file', type: C }]],
    },
];

function names(list: DeploymentSummary[]): string[] {
    return list.map((d) => d.name ?? '?').sort();
}

async function list(client: LspClient): Promise<string[]> {
    return names(await client.connection.sendRequest(ListDeploymentsRequest.type, {}));
}

async function send(client: LspClient, changes: FileEvent[]): Promise<void> {
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
}

/**
 * Sends events the way VS Code's client does: only those matching a watcher the server registered (glob on the
 * workspace-relative path, and the watcher's kinds). A folder's Deleted event reaches the server only when a
 * registered glob matches the folder itself.
 */
async function deliver(client: LspClient, root: string, changes: FileEvent[]): Promise<void> {
    const reg = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    const watchers = (reg?.registerOptions as { watchers: FileSystemWatcher[] } | undefined)?.watchers ?? [];
    const kindOf = { [FileChangeType.Created]: WatchKind.Create, [FileChangeType.Changed]: WatchKind.Change };
    const delivered = changes.filter((c) => {
        const rel = path.relative(root, fileURLToPath(c.uri)).split(path.sep).join('/');
        const kind = c.type === FileChangeType.Deleted ? WatchKind.Delete : kindOf[c.type];
        return watchers.some(
            (w) =>
                typeof w.globPattern === 'string' &&
                globToRegExp(w.globPattern).test(rel) &&
                ((w.kind ?? 7) & kind) !== 0,
        );
    });
    if (delivered.length > 0) await send(client, delivered);
}

async function started(
    files: Record<string, string>,
): Promise<{ ws: ReturnType<typeof makeWorkspace>; client: LspClient }> {
    const ws = makeWorkspace(files);
    const client = await LspClient.inProcess({ workspaceFolders: [{ uri: ws.uri, name: 'ws' }] });
    await client.waitFor('watcher registration', () =>
        client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'),
    );
    return { ws, client };
}

void describe('deleted files and folders', () => {
    for (const order of ORDERS) {
        void test(`a deleted folder holding a copying deployment leaves the index: ${order.name}`, async () => {
            const { ws, client } = await started({
                'keep.py': goodApp('keep'),
                'secret/app.py': COPYING_APP,
                'secret/config/.env': 'TOKEN=abc\n',
                'secret/config/settings.json': '{}\n',
            });
            try {
                assert.deepEqual(await list(client), ['keep', 'vscode-secret']);
                const dir = path.join(ws.dir, 'secret');
                const file = path.join(dir, 'app.py');
                // As in the extension test: the files one by one, then the folder.
                fs.rmSync(file);
                fs.rmSync(path.join(dir, 'config', '.env'));
                fs.rmSync(path.join(dir, 'config', 'settings.json'));
                fs.rmSync(dir, { recursive: true });
                for (const batch of order.notifications) {
                    await deliver(
                        client,
                        ws.dir,
                        batch.map((s) => ({ uri: uriOf(s.kind === 'file' ? file : dir), type: s.type })),
                    );
                }
                assert.deepEqual(await list(client), ['keep']);
                // Asking again changes nothing (the bug: the deployment came back on a re-list).
                assert.deepEqual(await list(client), ['keep']);
                // The index still takes new files.
                const added = path.join(ws.dir, 'fresh', 'new.py');
                fs.mkdirSync(path.dirname(added));
                fs.writeFileSync(added, goodApp('fresh'));
                await deliver(client, ws.dir, [{ uri: uriOf(added), type: FileChangeType.Created }]);
                assert.deepEqual(await list(client), ['fresh', 'keep']);
            } finally {
                await client.close();
                ws.cleanup();
            }
        });
    }

    void test('a deployment file deleted on disk leaves the list while its editor stays open; saved again, it is back', async () => {
        const { ws, client } = await started({ 'keep.py': goodApp('keep'), 'gone/app.py': goodApp('gone') });
        try {
            const file = path.join(ws.dir, 'gone', 'app.py');
            await client.open(uriOf(file), goodApp('gone'));
            assert.deepEqual(await list(client), ['gone', 'keep']);
            fs.rmSync(file);
            await deliver(client, ws.dir, [{ uri: uriOf(file), type: FileChangeType.Deleted }]);
            // Nothing to deploy: Deploy reads the file on disk. Asked for by its URI, the same answer.
            assert.deepEqual(await list(client), ['keep']);
            const one = await client.connection.sendRequest(ListDeploymentsRequest.type, { uri: uriOf(file) });
            assert.deepEqual(one, []);
            // The editor saves it again (VS Code recreates the file): listed again.
            fs.writeFileSync(file, goodApp('gone'));
            await deliver(client, ws.dir, [{ uri: uriOf(file), type: FileChangeType.Created }]);
            assert.deepEqual(await list(client), ['gone', 'keep']);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('a folder that appears with files inside is indexed from its own Created event', async () => {
        const { ws, client } = await started({ 'keep.py': goodApp('keep') });
        try {
            const dir = path.join(ws.dir, 'moved-in');
            fs.mkdirSync(path.join(dir, 'deep'), { recursive: true });
            fs.writeFileSync(path.join(dir, 'a.py'), goodApp('moved-a'));
            fs.writeFileSync(path.join(dir, 'deep', 'b.py'), goodApp('moved-b'));
            await send(client, [{ uri: uriOf(dir), type: FileChangeType.Created }]);
            assert.deepEqual(await list(client), ['keep', 'moved-a', 'moved-b']);
            // Deleted and then the same folder back, reported out of order: the disk decides.
            await send(client, [{ uri: uriOf(dir), type: FileChangeType.Deleted }]);
            assert.deepEqual(await list(client), ['keep', 'moved-a', 'moved-b']);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('watched-file events skip virtualenvs and excluded folders, as the scan does', async () => {
        const ws = makeWorkspace({ 'keep.py': goodApp('keep') });
        const client = await LspClient.inProcess({
            workspaceFolders: [{ uri: ws.uri, name: 'ws' }],
            settings: { exclude: ['generated/**'] },
        });
        try {
            assert.deepEqual(await list(client), ['keep']);
            const venvFile = path.join(ws.dir, '.venv', 'lib', 'vastai', 'sdk.py');
            const genFile = path.join(ws.dir, 'generated', 'gen.py');
            for (const f of [venvFile, genFile]) {
                fs.mkdirSync(path.dirname(f), { recursive: true });
                fs.writeFileSync(f, goodApp(path.basename(f, '.py')));
            }
            await send(client, [
                { uri: uriOf(venvFile), type: FileChangeType.Created },
                { uri: uriOf(genFile), type: FileChangeType.Created },
                { uri: uriOf(path.join(ws.dir, 'generated')), type: FileChangeType.Created },
            ]);
            assert.deepEqual(await list(client), ['keep']);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('the server watches deletions of any path, so folder deletions reach it', async () => {
        const { ws, client } = await started({ 'keep.py': goodApp('keep') });
        try {
            const reg = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
            const watchers = (reg?.registerOptions as { watchers: FileSystemWatcher[] }).watchers;
            const any = watchers.find((w) => w.globPattern === '**/*');
            assert.ok(any, JSON.stringify(watchers));
            assert.ok(((any.kind ?? 7) & WatchKind.Delete) !== 0);
            assert.ok(((any.kind ?? 7) & WatchKind.Create) !== 0);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });

    void test('a secret appearing in a copied folder is reported once its Created event arrives', async () => {
        const { ws, client } = await started({
            'svc/app.py': COPYING_APP,
            'svc/config/settings.json': '{}\n',
        });
        try {
            const uri = uriOf(path.join(ws.dir, 'svc', 'app.py'));
            const codes = (): string[] => (client.diagnostics.get(uri)?.diagnostics ?? []).map((d) => String(d.code));
            const problemsBefore = (await client.connection.sendRequest(ListDeploymentsRequest.type, {}))[0]?.problems;
            assert.ok(!codes().includes('secret-in-package'), codes().join());
            const secret = path.join(ws.dir, 'svc', 'config', '.env');
            fs.writeFileSync(secret, 'TOKEN=abc\n');
            await send(client, [{ uri: uriOf(secret), type: FileChangeType.Created }]);
            await client.waitFor('secret-in-package', () => (codes().includes('secret-in-package') ? true : undefined));
            const problemsAfter = (await client.connection.sendRequest(ListDeploymentsRequest.type, {}))[0]?.problems;
            assert.notDeepEqual(problemsAfter, problemsBefore, 'the list counts the new problem too');
            fs.rmSync(secret);
            await send(client, [{ uri: uriOf(secret), type: FileChangeType.Deleted }]);
            await client.waitFor('secret-in-package gone', () =>
                codes().includes('secret-in-package') ? undefined : true,
            );
            // The whole copied folder gone: copy-source-missing.
            fs.rmSync(path.join(ws.dir, 'svc', 'config'), { recursive: true });
            await send(client, [{ uri: uriOf(path.join(ws.dir, 'svc', 'config')), type: FileChangeType.Deleted }]);
            await client.waitFor('copy-source-missing', () =>
                codes().includes('copy-source-missing') ? true : undefined,
            );
            assert.deepEqual(await list(client), ['vscode-secret']);
        } finally {
            await client.close();
            ws.cleanup();
        }
    });
});
