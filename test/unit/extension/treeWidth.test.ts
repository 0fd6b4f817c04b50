// Tree rows read whole in the default-width sidebar (~300 px): every description stays within DESCRIPTION_BUDGET
// characters, over every state a deployment can be in; the detail moves to the tooltip.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeploymentSummary } from '../../../src/shared/protocol';
import { deriveStatus } from '../../../src/extension/statusModel';
import type { RemoteDeployment } from '../../../src/extension/types';
import {
    DESCRIPTION_BUDGET,
    shortStatus,
    summaryDescription,
    summaryTooltip,
} from '../../../src/extension/views/treeModel';
import { shortImageRef, shortTermWords, signatureLabel } from '../../../src/extension/views/words';

const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 1 } };
const summary = (over: Partial<DeploymentSummary> = {}): DeploymentSummary => ({
    uri: 'file:///w/app.py',
    workspaceFolder: 'file:///w',
    range,
    name: 'text-embeddings',
    unnamed: false,
    tag: 'default',
    functions: [],
    problems: { errors: 0, warnings: 0, information: 0 },
    ...over,
});
const remote: RemoteDeployment = { id: 7, name: 'text-embeddings', tag: 'default', fileHash: 'h1' };
const w = (status: string, id = 1) => ({ id, status });

const STATES: [string, Parameters<typeof deriveStatus>[0]][] = [
    ['unknown', { loaded: false }],
    ['unavailable', { loaded: false, unknownReason: 'Vast.ai is unreachable (console.vast.ai): timed out after 15 s' }],
    ['not deployed', { loaded: true }],
    ['deploying', { loaded: true, busy: 'deploying' }],
    ['tearing down', { loaded: true, busy: 'tearingDown', remote }],
    ['ready', { loaded: true, remote, localHash: 'h1', workers: [w('IDLE'), w('IDLE', 2), w('IDLE', 3)] }],
    ['no workers', { loaded: true, remote, workers: [] }],
    ['starting', { loaded: true, remote, workers: [w('MODEL_LOADING'), w('LOADING', 2), w('loading', 3)] }],
    ['updating', { loaded: true, remote, workers: [w('UPDATE_STARTING'), w('IDLE', 2), w('IDLE', 3)] }],
    ['failed', { loaded: true, remote, workers: [w('ERROR'), w('ERROR', 2), w('ERROR', 3)] }],
    ['stopped', { loaded: true, remote: { ...remote, endpointState: 'stopped' } }],
    ['out of date', { loaded: true, remote, localHash: 'h2', workers: [w('idle'), w('idle', 2), w('idle', 12)] }],
];

void describe('tree rows fit the default sidebar width', () => {
    for (const [what, input] of STATES) {
        void test(`deployment: ${what}`, () => {
            const s = deriveStatus(input);
            for (const d of [
                summary(),
                summary({ tag: 'canary' }),
                summary({ problems: { errors: 12, warnings: 3, information: 0 } }),
                summary({ tag: 'staging', problems: { errors: 2, warnings: 0, information: 0 } }),
                summary({ name: undefined }),
                summary({ tag: undefined }),
            ]) {
                const text = summaryDescription(d, s);
                const ours = d.tag && d.tag !== 'default' ? text.slice(d.tag.length + 3) : text;
                assert.ok(ours.length <= DESCRIPTION_BUDGET, `"${text}" (${ours.length} chars besides the tag)`);
                // What the description leaves out is in the tooltip.
                const tip = summaryTooltip(d, s, 'app.py');
                if (s.label) assert.ok(tip.includes(s.label), `${what}: the tooltip has "${s.label}"`);
                if (d.problems.errors) assert.match(tip, new RegExp(`${d.problems.errors} errors? in the file`));
            }
        });
    }

    void test('the words that matter stay in the description', () => {
        const s = (input: Parameters<typeof deriveStatus>[0]) => deriveStatus(input);
        assert.equal(summaryDescription(summary(), s({ loaded: true })), 'not deployed');
        assert.equal(
            summaryDescription(summary({ name: 'svc', tag: 'canary' }), s({ loaded: true })),
            'canary · not deployed',
        );
        const broken = summary({ problems: { errors: 1, warnings: 0, information: 0 } });
        assert.equal(summaryDescription(broken, s({ loaded: true })), '1 error');
        const ready = s({ loaded: true, remote, localHash: 'h1', workers: [w('IDLE')] });
        assert.equal(summaryDescription(summary(), ready), 'ready · 1 worker');
        assert.equal(summaryDescription(broken, ready), 'ready · 1 worker', 'the errors are in the tooltip');
        const stopped = s({ loaded: true, remote: { ...remote, endpointState: 'stopped' } });
        assert.equal(summaryDescription(broken, stopped), 'stopped · 1 error');
        const stale = s({ loaded: true, remote, localHash: 'h2', workers: [w('IDLE')] });
        assert.equal(shortStatus(stale), 'out of date');
        assert.equal(summaryDescription(summary({ name: undefined }), ready), 'dynamic name');
        // A long name with a tag: "not deployed" gives way (the hollow icon and the tooltip say it); a deployed
        // status does not.
        const long = summary({ name: 'keyword-extractor', tag: 'staging' });
        assert.equal(summaryDescription(long, s({ loaded: true })), 'staging');
        assert.equal(summaryDescription(long, ready), 'staging · ready · 1 worker');
        assert.equal(
            summaryDescription(summary({ name: 'vscode-echo', tag: 'canary' }), s({ loaded: true })),
            'canary · not deployed',
        );
    });

    void test('function, image and filter rows', () => {
        assert.equal(signatureLabel('square', ['x']), 'square(x)');
        assert.equal(signatureLabel('embed', ['texts', 'model_name', 'batch_size', 'normalize']), 'embed(texts, …)');
        assert.ok(signatureLabel('a_very_long_function_name_indeed', ['x']).length <= 40);
        assert.deepEqual(shortImageRef('vastai/base-image:@vastai-automatic-tag'), {
            name: 'base-image',
            automatic: true,
        });
        assert.deepEqual(shortImageRef('ghcr.io/org/team/server:1.2'), { name: 'server:1.2', automatic: false });
        assert.deepEqual(shortImageRef('localhost:5000/app'), { name: 'app', automatic: false });
        assert.deepEqual(shortImageRef('python:3.12-slim'), { name: 'python:3.12-slim', automatic: false });
        assert.equal(shortTermWords('gpu_name in RTX_4090,RTX_5090'), 'gpu_name in RTX 4090, RTX 5090');
        assert.equal(
            shortTermWords('gpu_name in RTX_4090,RTX_5090,H100_SXM,A100_PCIE,L40S'),
            'gpu_name in RTX 4090, RTX 5090 +3 more',
        );
        assert.equal(shortTermWords('gpu_ram>=24'), 'gpu_ram ≥ 24 GB (24000 MB)');
    });
});
