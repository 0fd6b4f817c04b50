// Machines and prices in the editor's words: lens titles (result, zero matches, loading, errors), the hover, the
// Deploy plan's lines and the warning of a deploy that asks nothing.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
    lensTitle,
    marketDetails,
    marketInputOf,
    marketKey,
    planMachines,
    unavailableReason,
} from '../../../src/extension/marketWords';
import { planWords, type PlanWordsInput } from '../../../src/extension/planWords';
import { marketResult, type OffersAnswer } from '../../../src/pipeline/run/market';
import { ApiError } from '../../../src/pipeline/api/errors';
import { QueryParseError } from '../../../src/shared/market/query';
import type { DeploymentSummary } from '../../../src/shared/protocol';
import { planDeploy } from '../../../src/shared/plan';

const answer = (offers: OffersAnswer['offers'], synthetic = true): OffersAnswer => ({
    query: {},
    offers,
    synthetic,
    ignoredFields: [],
});
const OFFERS = [
    { id: 1, machine_id: 10, gpu_name: 'RTX 4090', dph_total: 0.5 },
    { id: 2, machine_id: 10, gpu_name: 'RTX 4090', dph_total: 0.9 },
    { id: 3, machine_id: 11, gpu_name: 'RTX 5090', dph_total: 0.7 },
    { id: 4, machine_id: 12, gpu_name: 'A100 SXM4', dph_total: 1.25 },
];

void test('lens: count, one worker and max_workers, labelled synthetic on the emulator', () => {
    const r = marketResult(answer(OFFERS), 2);
    assert.equal(
        lensTitle({ kind: 'ok', result: r }),
        '3 machines match · from $0.500/h per worker · max_workers=2: $1.200/h (synthetic prices)',
    );
    const vast = marketResult(answer(OFFERS, false), 2);
    assert.doesNotMatch(lensTitle({ kind: 'ok', result: vast }), /synthetic/);
});

void test('lens: zero matches warns that workers would never start', () => {
    const none = marketResult(answer([]), 2);
    assert.equal(
        lensTitle({ kind: 'ok', result: none }),
        '⚠ no machine matches: workers would never start (synthetic prices)',
    );
    assert.equal(
        lensTitle({ kind: 'ok', result: marketResult(answer([], false), 2) }),
        '⚠ no machine matches: workers would never start',
    );
});

void test('lens: errors are short "prices unavailable: <reason>", loading is its own word', () => {
    assert.equal(lensTitle({ kind: 'error', reason: 'no Vast.ai API key' }), 'prices unavailable: no Vast.ai API key');
    assert.equal(lensTitle({ kind: 'loading' }), 'machines: searching…');
    const noKey = Object.assign(new Error('No Vast.ai API key: set one'), { name: 'NoApiKeyError' });
    assert.equal(unavailableReason(noKey, 15_000), 'no Vast.ai API key');
    const http = new ApiError({ kind: 'http', what: 'search offers', status: 500, serverMessage: 'x'.repeat(300) });
    const reason = unavailableReason(http, 15_000);
    assert.match(reason, /^the offers search answered HTTP 500: x+…$/);
    assert.ok(reason.length <= 100);
    const refused = new ApiError({
        kind: 'transport',
        what: 'search offers',
        serverMessage: 'connect ECONNREFUSED 127.0.0.1:9',
    });
    assert.match(unavailableReason(refused, 15_000), /unreachable \(the connection was refused/);
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    assert.match(unavailableReason(timeout, 15_000), /no answer within 15 s/);
    assert.match(
        unavailableReason(new QueryParseError('Unknown operator'), 15_000),
        /^search_params: Unknown operator/,
    );
});

void test('the search input comes from the buffer summary; max_workers only when literal', () => {
    const d: DeploymentSummary = {
        uri: 'file:///w/app.py',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
        unnamed: false,
        functions: [],
        problems: { errors: 0, warnings: 0, information: 0 },
        image: {
            range: { start: { line: 3, character: 0 }, end: { line: 3, character: 9 } },
            storage: 16,
            searchParams: 'gpu_ram>=24',
        },
        autoscaling: { max_workers: 4 },
    };
    assert.deepEqual(marketInputOf(d), { searchParams: 'gpu_ram>=24', storage: 16, maxWorkers: 4 });
    assert.equal(marketInputOf({ ...d, image: undefined }), undefined, 'no image: no lens');
    assert.deepEqual(marketInputOf({ ...d, image: { ...d.image!, searchParams: undefined } }), {
        unavailable: 'the requirements are not literal values',
    });
    assert.equal(
        (marketInputOf({ ...d, autoscaling: { max_workers: 'x' } }) as { maxWorkers?: number }).maxWorkers,
        undefined,
    );
    // The cache key ignores max_workers (applied after the search) but not storage (priced into the offers).
    assert.equal(marketKey({ searchParams: 'a', storage: 16 }), marketKey({ searchParams: 'a', storage: 16 }));
    assert.notEqual(marketKey({ searchParams: 'a', storage: 16 }), marketKey({ searchParams: 'a', storage: 17 }));
});

void test('hover: details, or the warning', () => {
    const input = { searchParams: 'gpu_ram>=24', storage: 16, maxWorkers: 5 };
    const md = marketDetails({ kind: 'ok', result: marketResult(answer(OFFERS), 5) }, input);
    assert.match(md, /synthetic prices/);
    assert.match(md, /3 machines match \(4 offers\)/);
    assert.match(md, /One worker: from \$0\.500\/h, median \$0\.700\/h/);
    assert.match(md, /max_workers=5: \$2\.450\/h \(only 3 machines match\)/);
    assert.match(md, /Cheapest GPUs: RTX 4090, RTX 5090, A100 SXM4/);
    assert.match(md, /search_params: `gpu_ram>=24`, storage 16 GB/);
    const none = marketDetails({ kind: 'ok', result: marketResult(answer([]), 5) }, input);
    assert.match(none, /no machine matches: workers would never start/);
    assert.doesNotMatch(none, /One worker/);
});

void test('plan: the warning goes first, before the changes; the line after them', () => {
    const base: PlanWordsInput = {
        plan: planDeploy({
            local: {
                name: 'x',
                tag: 'default',
                image: 'img',
                file_hash: 'a'.repeat(64),
                search_params: 'gpu_ram>=9999',
                env: '',
            },
            deployed: undefined,
            endpoint: undefined,
        }),
        label: 'x',
        where: 'Vast.ai',
        packageFiles: 2,
        image: 'img',
    };
    const none = planMachines({ result: marketResult(answer([], false), 1) });
    assert.equal(none.warning, '⚠ no machine matches: workers would never start.');
    const words = planWords({ ...base, machines: none });
    const lines = words.detail.split('\n');
    assert.equal(lines[0], '⚠ no machine matches: workers would never start.');
    assert.ok(lines.includes('Machines: ⚠ no machine matches: workers would never start'), words.detail);
    const some = planMachines({ result: marketResult(answer(OFFERS), 3) });
    assert.equal(some.warning, undefined);
    const ok = planWords({ ...base, machines: some }).detail;
    assert.match(
        ok,
        /^Machines: 3 machines match · from \$0\.500\/h per worker · max_workers=3: \$2\.450\/h \(synthetic prices\)$/m,
    );
    assert.doesNotMatch(ok, /⚠/);
    assert.equal(
        planMachines({ error: 'no answer within 5 s' }).line,
        'Machines: prices unavailable: no answer within 5 s',
    );
    assert.doesNotMatch(planWords(base).detail, /Machines:/, 'no line without a search');
});
