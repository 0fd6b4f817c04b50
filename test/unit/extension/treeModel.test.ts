import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { DeploymentSummary } from '../../../src/shared/protocol';
import { contextValueFor, groupByFolder, searchTerms, unmatchedRemotes } from '../../../src/extension/views/treeModel';
import { deriveStatus, workerKind } from '../../../src/extension/statusModel';
import type { BenchmarkRecord, RemoteDeployment } from '../../../src/extension/types';
import { logLines, newLines } from '../../../src/shared/logLines';
import { renderBenchmarkHtml } from '../../../src/extension/views/benchmarkHtml';
import { benchmarkStats } from '../../../src/shared/benchmarkStats';
import { CommandId } from '../../../src/shared/commands';
import { repoRoot } from '../../helpers/paths';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const summary = (name: string, folder: string, tag = 'default'): DeploymentSummary => ({
    uri: `${folder}/app.py`,
    workspaceFolder: folder,
    range,
    name,
    unnamed: false,
    tag,
    functions: [],
    problems: { errors: 0, warnings: 0, information: 0 },
});
const remote: RemoteDeployment = { id: 1, name: 'a', tag: 'default', fileHash: 'h1', endpointState: 'active' };

void describe('deriveStatus', () => {
    const cases: [string, Parameters<typeof deriveStatus>[0], string, string][] = [
        ['nothing known yet', { loaded: false }, 'unknown', ''],
        ['not deployed', { loaded: true }, 'notDeployed', 'not deployed'],
        ['our deploy running', { loaded: true, busy: 'deploying', remote }, 'deploying', 'deploying…'],
        ['no key', { loaded: false, unknownReason: 'no API key' }, 'unknown', 'status unavailable'],
        [
            'ready',
            { loaded: true, remote, localHash: 'h1', workers: [{ id: 1, status: 'IDLE' }] },
            'ready',
            'ready · 1 worker',
        ],
        ['no workers', { loaded: true, remote, workers: [] }, 'ready', 'deployed · no workers running'],
        [
            'no workers, and no machine matches its requirements',
            { loaded: true, remote, workers: [], noMachine: 'no machine matches' },
            'noMachine',
            'no worker: no machine matches',
        ],
        [
            'a worker despite a no-match answer (machines came back)',
            { loaded: true, remote, workers: [{ id: 1, status: 'IDLE' }], noMachine: 'no machine matches' },
            'ready',
            'ready · 1 worker',
        ],
        [
            'starting',
            { loaded: true, remote, workers: [{ id: 1, status: 'MODEL_LOADING' }] },
            'deploying',
            'starting 1 worker…',
        ],
        [
            'updating',
            {
                loaded: true,
                remote,
                workers: [
                    { id: 1, status: 'UPDATE_STARTING' },
                    { id: 2, status: 'IDLE' },
                ],
            },
            'updating',
            'updating · 1/2 ready',
        ],
        ['error', { loaded: true, remote, workers: [{ id: 1, status: 'ERROR' }] }, 'error', 'error · 1 worker failed'],
        ['stopped', { loaded: true, remote: { ...remote, endpointState: 'stopped' } }, 'stopped', 'stopped'],
        [
            'out of date',
            { loaded: true, remote, localHash: 'h2', workers: [{ id: 1, status: 'idle' }] },
            'outOfDate',
            'out of date · 1/1 ready',
        ],
    ];
    for (const [what, input, state, label] of cases) {
        void test(what, () => {
            const s = deriveStatus(input);
            assert.equal(s.state, state);
            assert.equal(s.label, label);
        });
    }
    void test('worker statuses are matched case-insensitively', () => {
        assert.equal(workerKind('Ready'), 'ready');
        assert.equal(workerKind('running'), 'ready');
        assert.equal(workerKind('LOADING'), 'starting');
        assert.equal(workerKind('UPDATE_REBOOTING'), 'updating');
        assert.equal(workerKind('STOPPED'), 'stopped');
    });
    void test('context values drive the menus', () => {
        assert.equal(contextValueFor('deployment', deriveStatus({ loaded: true })), 'deployment notDeployed');
        const ready = deriveStatus({ loaded: true, remote, workers: [{ id: 1, status: 'IDLE' }] });
        assert.equal(contextValueFor('deployment', ready), 'deployment ready deployed running');
        const stopped = deriveStatus({ loaded: true, remote: { ...remote, endpointState: 'stopped' } });
        assert.equal(contextValueFor('remoteDeployment', stopped), 'remoteDeployment stopped deployed stopped');
    });
    void test("the tree's menus offer Benchmark, Tear down and Show Logs only for what is deployed, Deploy always", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
            contributes: { menus: Record<string, { command: string; when?: string }[]> };
        };
        const entries = manifest.contributes.menus['view/item/context']!;
        const offered = (command: string, contextValue: string) =>
            entries.some((m) => {
                if (m.command !== command || !m.when) return false;
                const view = /view == (\S+)/.exec(m.when)?.[1];
                if (view !== undefined && view !== 'vastDeployments.deployments') return false;
                const re = /viewItem =~ \/(.+)\/$/.exec(
                    m.when.split(' && ').find((c) => c.startsWith('viewItem')) ?? '',
                );
                return re ? new RegExp(re[1]!).test(contextValue) : false;
            });
        const notDeployed = contextValueFor('deployment', deriveStatus({ loaded: true }));
        const deployed = contextValueFor(
            'deployment',
            deriveStatus({ loaded: true, remote, workers: [{ id: 1, status: 'IDLE' }] }),
        );
        for (const command of [CommandId.benchmark, CommandId.tearDown, CommandId.showLogs]) {
            assert.equal(offered(command, notDeployed), false, `${command} on a row that is not deployed`);
            assert.equal(offered(command, deployed), true, `${command} on a deployed row`);
        }
        assert.equal(offered(CommandId.deploy, notDeployed), true);
        assert.equal(offered(CommandId.deploy, deployed), true);
    });
});

void describe('tree helpers', () => {
    void test('search_params terms keep `in` lists together', () => {
        assert.deepEqual(searchTerms('verified=true gpu_name in RTX_4090,RTX_5090 gpu_ram>=24 num_gpus notin 3,4'), [
            'verified=true',
            'gpu_name in RTX_4090,RTX_5090',
            'gpu_ram>=24',
            'num_gpus notin 3,4',
        ]);
        assert.deepEqual(searchTerms(undefined), []);
    });
    void test('grouping by folder, sorted by name', () => {
        const g = groupByFolder(
            [summary('b', 'file:///x'), summary('a', 'file:///x'), summary('c', 'file:///y')],
            ['file:///x', 'file:///y'],
        );
        assert.deepEqual(
            [...g.get('file:///x')!].map((d) => d.name),
            ['a', 'b'],
        );
        assert.deepEqual(
            [...g.get('file:///y')!].map((d) => d.name),
            ['c'],
        );
    });
    void test('remote deployments no workspace file defines', () => {
        const remotes: RemoteDeployment[] = [
            remote,
            { id: 2, name: 'a', tag: 'canary' },
            { id: 3, name: 'z', tag: 'default' },
        ];
        assert.deepEqual(
            unmatchedRemotes(remotes, [summary('a', 'file:///x')]).map((r) => r.id),
            [2, 3],
        );
    });
});

void describe('log lines', () => {
    void test('answers of several shapes', () => {
        assert.deepEqual(logLines('a\nb\n'), ['a', 'b']);
        assert.deepEqual(logLines(['a', 'b\nc']), ['a', 'b', 'c']);
        assert.deepEqual(logLines({ logs: [{ message: 'm', worker_id: 3 }] }), ['3 m']);
    });
    void test('only new lines are appended, with tailed and repeated lines', () => {
        assert.deepEqual(newLines([], ['a', 'b']), ['a', 'b']);
        assert.deepEqual(newLines(['a', 'b'], ['a', 'b', 'c']), ['c']);
        assert.deepEqual(newLines(['x', 'a', 'b'], ['b', 'c']), ['c']);
        assert.deepEqual(newLines(['ok', 'ok'], ['ok', 'ok', 'ok']), ['ok']);
        assert.deepEqual(newLines(['gone'], ['new1', 'new2']), ['new1', 'new2']);
        assert.deepEqual(newLines(['a', 'b'], ['a', 'b', 'x', 'a', 'b']), ['x', 'a', 'b']);
    });
});

void describe('benchmark view', () => {
    const rec = (p50: number, at: string): BenchmarkRecord => {
        const samples = [p50, p50 + 1, p50 * 2].map((ms) => ({ ok: true, totalMs: ms, routeMs: 1, workerMs: ms - 1 }));
        return {
            name: 'svc',
            tag: 'default',
            target: 'local',
            function: 'f',
            at,
            stats: benchmarkStats(
                [...samples, { ok: false, totalMs: 5, routeMs: 0, workerMs: 0, error: '<boom>' }],
                100,
            ),
            calls: samples.map((s) => ({ ms: s.totalMs, ok: true })),
        };
    };
    void test('CSP with the nonce, inline SVG, escaped errors, comparison with the previous run', () => {
        const html = renderBenchmarkHtml(
            rec(10, '2026-01-02T00:00:00Z'),
            rec(20, '2026-01-01T00:00:00Z'),
            'N0NCE',
            'vscode-webview:',
        );
        assert.match(html, /Content-Security-Policy" content="default-src 'none';[^"]*script-src 'nonce-N0NCE'/);
        assert.match(html, /<script nonce="N0NCE">/);
        assert.ok(!/<script(?! nonce="N0NCE")/.test(html), 'every script carries the nonce');
        assert.ok(!/https?:\/\//.test(html), 'nothing loaded from the network');
        assert.match(html, /<svg class="chart"/);
        assert.match(html, /class="prev"/);
        assert.match(html, /−\d+%/, 'p50 improved against the previous run');
        assert.match(html, /&lt;boom&gt;/);
    });
});
