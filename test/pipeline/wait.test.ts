/** Waiting for the new version: ready only when a worker of that version is ready; every failure stops it at once. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VastClient } from '../../src/pipeline/api';
import type { WorkerRecord } from '../../src/pipeline/api/types';
import { mapTraceback, waitForReady, WorkerStartupError } from '../../src/pipeline/run';

/** A client whose /get_endpoint_workers/ answers come from a script, one per poll (the last one repeats). */
function scripted(polls: WorkerRecord[][]): { client: VastClient; calls: () => number } {
    let n = 0;
    const client = {
        autoscalerUrl: 'http://127.0.0.1:1',
        getEndpointWorkers: () => Promise.resolve(polls[Math.min(n++, polls.length - 1)]!),
        transport: { sleep: () => Promise.resolve() },
    } as unknown as VastClient;
    return { client, calls: () => n };
}

const TB = `Failed to import the deployment:
Traceback (most recent call last):
  File "/usr/lib/python3/vast_emulator/worker.py", line 137, in main
    import deployment
  File "/app/deployment.py", line 9, in <module>
    import not_a_real_module
ModuleNotFoundError: No module named 'not_a_real_module'
`;

void describe('waitForReady', () => {
    void test('an old-version worker that is ready does not end the wait (soft update)', async () => {
        const old: WorkerRecord = { id: 1, status: 'IDLE', deployment_version_id: 1 };
        const { client, calls } = scripted([
            [old, { id: 2, status: 'LOADING', deployment_version_id: 2 }],
            [old, { id: 2, status: 'IDLE', deployment_version_id: 2 }],
        ]);
        const ws = await waitForReady(client, 5, { versionId: 2, timeoutMs: 10_000 });
        assert.equal(calls(), 2);
        assert.ok(ws.some((w) => w.id === 2 && w.status === 'IDLE'));
    });

    void test('every worker of the new version in ERROR: stops at once, mapped to the user file', async () => {
        const { client, calls } = scripted([
            [
                { id: 1, status: 'IDLE', deployment_version_id: 1 },
                { id: 2, status: 'ERROR', status_msg: TB, deployment_version_id: 2 },
            ],
        ]);
        const err = await waitForReady(client, 5, { versionId: 2, userFile: '/home/u/proj/app.py' }).catch((e) => e);
        assert.ok(err instanceof WorkerStartupError);
        assert.equal(calls(), 1);
        assert.equal(
            err.message,
            "worker 2 failed to start: ModuleNotFoundError: No module named 'not_a_real_module' (app.py:9)",
        );
        assert.deepEqual(err.location, { file: '/home/u/proj/app.py', line: 9 });
        assert.match(err.detail, /File "\/home\/u\/proj\/app\.py", line 9, in <module>/);
        assert.doesNotMatch(err.detail, /deployment\.py/);
    });

    void test('one failed worker beside one still loading keeps waiting', async () => {
        const { client, calls } = scripted([
            [
                { id: 2, status: 'ERROR', status_msg: 'x', deployment_version_id: 2 },
                { id: 3, status: 'LOADING', deployment_version_id: 2 },
            ],
            [
                { id: 2, status: 'ERROR', status_msg: 'x', deployment_version_id: 2 },
                { id: 3, status: 'IDLE', deployment_version_id: 2 },
            ],
        ]);
        await waitForReady(client, 5, { versionId: 2 });
        assert.equal(calls(), 2);
    });
});

void describe('waitForReady: what a starting worker is doing', () => {
    void test("the status line carries a loading worker's message (a pip install), not an old worker's", async () => {
        const { client } = scripted([
            [
                { id: 1, status: 'IDLE', status_msg: 'update pending', deployment_version_id: 1 },
                {
                    id: 2,
                    status: 'LOADING',
                    status_msg: 'installing pip packages: torch==2.5.1 transformers\nsecond line',
                    deployment_version_id: 2,
                },
            ],
            [{ id: 2, status: 'IDLE', deployment_version_id: 2 }],
        ]);
        const lines: string[] = [];
        await waitForReady(client, 5, { versionId: 2, onStatus: (t) => lines.push(t) });
        assert.deepEqual(lines, [
            'Waiting for a ready worker: 2 workers: 1 loading; 1 ready, idle (installing pip packages: torch==2.5.1 transformers)',
            'Waiting for a ready worker: 1 worker ready, idle',
        ]);
    });

    void test("a pip failure stops the wait with the package and pip's reason", async () => {
        const msg =
            'pip install not-a-pkg failed (exit code 1): No matching distribution found for not-a-pkg\n' +
            'ERROR: Could not find a version that satisfies the requirement not-a-pkg (from versions: none)\n' +
            'ERROR: No matching distribution found for not-a-pkg';
        const { client } = scripted([[{ id: 2, status: 'ERROR', status_msg: msg, deployment_version_id: 2 }]]);
        const err = await waitForReady(client, 5, { versionId: 2, userFile: '/p/app.py' }).catch((e) => e);
        assert.ok(err instanceof WorkerStartupError);
        assert.equal(
            err.message,
            'worker 2 failed to start: pip install not-a-pkg failed (exit code 1): No matching distribution found for not-a-pkg',
        );
    });
});

void describe('mapTraceback', () => {
    void test('a package deployment maps deployment/<x>.py to the package folder', () => {
        const m = mapTraceback('  File "/app/deployment/model.py", line 3, in load', '/p/pkg/__init__.py');
        assert.equal(m.text, '  File "/p/pkg/model.py", line 3, in load');
        assert.deepEqual(m.location, { file: '/p/pkg/model.py', line: 3 });
    });
    void test('frames outside the deployment are left alone', () => {
        const line = '  File "/usr/lib/python3.11/json/__init__.py", line 1, in loads';
        assert.equal(mapTraceback(line, 'app.py').text, line);
        assert.equal(mapTraceback(line, 'app.py').location, undefined);
    });
});
