// Machines and prices: the offers query matches the vastai CLI's parse_query (the oracle), the synthetic market is
// deterministic and filters like a search, and the summary prices one worker and max_workers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { compatCasesDir, sharedDir } from '../../helpers/paths';
import { offersQuery, parseQuery } from '../../../src/shared/market/query';
import { marketLine, NO_MATCH_WARNING, summarizeOffers } from '../../../src/shared/market/summary';
import { searchSynthetic, syntheticOffers } from '../../../src/emulator/market';

function findSearchParams(o: unknown): string | undefined {
    if (Array.isArray(o)) return o.map(findSearchParams).find((x) => x !== undefined);
    if (o && typeof o === 'object') {
        const r = o as Record<string, unknown>;
        if (typeof r.search_params === 'string') return r.search_params;
        return Object.values(r)
            .map(findSearchParams)
            .find((x) => x !== undefined);
    }
    return undefined;
}

const compatParams = fs
    .readdirSync(compatCasesDir)
    .map((c) => findSearchParams(JSON.parse(fs.readFileSync(path.join(compatCasesDir, c, 'expected.json'), 'utf8'))))
    .filter((s): s is string => s !== undefined);

const EXTRA = [
    'gpu_name=RTX_4090 dph<2.0 cuda_vers>=12.1',
    'driver_version>=535.86.05 num_gpus in [1,2,4]',
    'geolocation notin [CN,VN] datacenter=True reliability>0.99 gpu_total_ram>=160',
    'verified=any num_gpus=1',
    'inet_down > 100 static_ip=None',
];

function oracleParse(q: string): unknown {
    const script = `
import json, sys
sys.path.insert(0, sys.argv[1])
from vastai.api.query import parse_query, offers_fields, offers_alias, offers_mult
print(json.dumps(parse_query(sys.argv[2], {}, offers_fields, offers_alias, offers_mult)))
`;
    const out = execFileSync('/usr/bin/python3', ['-c', script, path.join(sharedDir, 'oracle'), q], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out);
}

void describe('market: the offers query', () => {
    assert.ok(compatParams.length >= 5, 'the compat cases hold search_params');
    for (const q of [...compatParams, ...EXTRA]) {
        void test(`parse_query: ${q}`, () => {
            assert.deepEqual(parseQuery(q), oracleParse(q));
        });
    }
    void test('the body: the deployment query, cheapest first, its storage, no added defaults', () => {
        const b = offersQuery('verified=true rentable=true rented=false num_gpus=1', 16);
        assert.deepEqual(b, {
            verified: { eq: true },
            rentable: { eq: true },
            rented: { eq: false },
            num_gpus: { eq: '1' },
            order: [['dph_total', 'asc']],
            type: 'on-demand',
            limit: 1000,
            allocated_storage: 16,
        });
        assert.throws(() => parseQuery('gpu_name ~ x'), /Unconsumed text|Unknown operator/);
    });
});

void describe('market: the synthetic market', () => {
    void test('deterministic, every GPU of the vocabulary offered', () => {
        const a = syntheticOffers();
        assert.equal(JSON.stringify(a), JSON.stringify(syntheticOffers()));
        assert.ok(a.some((o) => o.gpu_name === 'RTX 4090'));
        assert.ok(a.some((o) => o.gpu_name === 'H100 SXM'));
        assert.ok(new Set(a.map((o) => o.gpu_name)).size >= 80);
    });
    void test('filters like the search, prices include storage, cheapest first', () => {
        const q = offersQuery('verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090 num_gpus=1', 50);
        const r = searchSynthetic(q);
        assert.ok(typeof r !== 'string');
        assert.ok(r.offers.length > 0);
        for (const o of r.offers) {
            assert.ok(o.gpu_name === 'RTX 4090' || o.gpu_name === 'RTX 5090');
            assert.equal(o.num_gpus, 1);
            assert.ok((o.dph_total as number) > (o.dph_base as number));
        }
        const prices = r.offers.map((o) => o.dph_total as number);
        assert.deepEqual(
            prices,
            [...prices].sort((x, y) => x - y),
        );
        const big = searchSynthetic(offersQuery('gpu_ram>=80 num_gpus>=2', 10));
        assert.ok(typeof big !== 'string' && big.offers.every((o) => (o.gpu_ram as number) >= 80_000));
        const none = searchSynthetic(offersQuery('gpu_name=RTX_4090 gpu_ram>=48', 10));
        assert.ok(typeof none !== 'string' && none.offers.length === 0);
        const unknown = searchSynthetic(offersQuery('gpu_name=RTX_4090 flops_usd>3', 10));
        assert.ok(typeof unknown !== 'string');
        assert.deepEqual(unknown.ignored, ['flops_per_dphtotal']);
    });
});

void describe('market: the summary', () => {
    const offers = [
        { id: 1, machine_id: 7, gpu_name: 'RTX 4090', dph_total: 0.5 },
        { id: 2, machine_id: 7, gpu_name: 'RTX 4090', dph_total: 0.9 },
        { id: 3, machine_id: 8, gpu_name: 'RTX 5090', dph_total: 0.7 },
        { id: 4, machine_id: 9, gpu_name: 'RTX 5090', dph_total: 0.8 },
    ];
    void test('one worker and max_workers on distinct machines', () => {
        const s = summarizeOffers(offers, { maxWorkers: 2 });
        assert.equal(s.matches, 4);
        assert.equal(s.machines, 3);
        assert.equal(s.perWorker, 0.5);
        assert.deepEqual(s.atMax, { workers: 2, dph: 1.2 });
        assert.equal(marketLine(s), '3 machines match · from $0.500/h per worker · max_workers=2: $1.200/h');
        const few = summarizeOffers(offers, { maxWorkers: 5, synthetic: true });
        assert.deepEqual(few.atMax, { workers: 3, dph: 2 });
        assert.match(marketLine(few), /max_workers=5: \$2\.000\/h \(only 3 machines\) \(synthetic prices\)$/);
        assert.match(marketLine(summarizeOffers(offers, {})), /max_workers not set$/);
    });
    void test('zero matches is the warning', () => {
        const s = summarizeOffers([], { maxWorkers: 3, synthetic: true });
        assert.equal(s.warning, NO_MATCH_WARNING);
        assert.equal(marketLine(s), `⚠ ${NO_MATCH_WARNING} (synthetic prices)`);
    });
});
