import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describePlan, normalizeEnv, planDeploy, type DeployedState, type LocalState } from '../../src/shared/plan';

const local: LocalState = {
    name: 'app',
    tag: 'default',
    image: 'vastai/base-image:1',
    file_hash: 'aaa',
    search_params: 'verified=true rentable=true rented=false',
    env: '-p 8000:8000/tcp -p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai',
    storage: 16,
    min_load: 10,
    max_workers: 4,
};
const deployed: DeployedState = {
    id: 7,
    name: 'app',
    tag: 'default',
    image: 'vastai/base-image:1',
    file_hash: 'aaa',
    search_params: 'verified=true rentable=true rented=false',
    env: '-p 3000:3000/tcp -p 8000:8000/tcp -e REPORT_ADDR=https://run.vast.ai',
    storage: 16.0,
};
const endpoint = { id: 9, min_load: 10.0, max_workers: 4 };

const table: {
    name: string;
    local?: Partial<LocalState>;
    deployed?: Partial<DeployedState> | null;
    endpoint?: Record<string, unknown>;
    sameName?: DeployedState[];
    tier: number;
    fields: string[];
    action?: string;
}[] = [
    { name: 'identical (port order and 16 vs 16.0 ignored)', tier: 0, fields: [], action: 'exists' },
    {
        name: 'autoscaling only',
        local: { max_workers: 8 },
        tier: 1,
        fields: ['max_workers'],
        action: 'autoscale_update',
    },
    { name: 'ttl only', local: { ttl: 600 }, tier: 1, fields: ['ttl'] },
    { name: 'code changed', local: { file_hash: 'bbb' }, tier: 2, fields: ['file_hash'], action: 'soft_update' },
    {
        name: 'code and autoscaling',
        local: { file_hash: 'bbb', min_load: 20 },
        tier: 2,
        fields: ['file_hash', 'min_load'],
    },
    { name: 'image changed', local: { image: 'vastai/base-image:2' }, tier: 3, fields: ['image'], action: undefined },
    { name: 'env (venv) changed', local: { env: local.env + ' -e ENV_PATH=/venv' }, tier: 3, fields: ['env'] },
    {
        name: 'search params changed',
        local: { search_params: 'verified=true rentable=true rented=false num_gpus=2' },
        tier: 3,
        fields: ['search_params'],
    },
    { name: 'storage changed', local: { storage: 32 }, tier: 3, fields: ['storage'] },
    { name: 'image and code', local: { image: 'x:2', file_hash: 'ccc' }, tier: 3, fields: ['image', 'file_hash'] },
    { name: 'no deployment at all', deployed: null, tier: 4, fields: ['tag'], action: 'created' },
    {
        name: 'new tag beside an existing one',
        local: { tag: 'v2' },
        deployed: null,
        sameName: [deployed],
        tier: 4,
        fields: ['tag'],
        action: 'created',
    },
];

void describe('plan: tiers', () => {
    for (const row of table) {
        void test(row.name, () => {
            const plan = planDeploy({
                local: { ...local, ...row.local },
                deployed: row.deployed === null ? undefined : { ...deployed, ...row.deployed },
                endpoint: row.endpoint ?? endpoint,
                sameName: row.sameName,
            });
            assert.equal(plan.tier, row.tier);
            assert.deepEqual(
                plan.changes.map((c) => c.field),
                row.fields,
            );
            if ('action' in row) assert.equal(plan.expectedAction, row.action);
            assert.equal(plan.inferred, true);
            assert.equal(plan.expectUpload, row.tier >= 2);
        });
    }

    void test('a change lists old and new values', () => {
        const plan = planDeploy({ local: { ...local, image: 'new:1' }, deployed, endpoint });
        assert.deepEqual(plan.changes, [{ field: 'image', old: 'vastai/base-image:1', new: 'new:1', tier: 3 }]);
        assert.equal(plan.deploymentId, 7);
        assert.deepEqual(describePlan(plan).slice(0, 2), [
            'Tier 3: image/env hard-update (inferred)',
            '  image: "vastai/base-image:1" -> "new:1"',
        ]);
    });

    void test('the Image.env() caveat shows only when the file sets Image.env() values (or that is not known)', () => {
        const codeChange = { local: { ...local, file_hash: 'f'.repeat(64) }, deployed, endpoint };
        const caveat = (p: ReturnType<typeof planDeploy>) => p.notes.some((n) => n.startsWith('Image.env()'));
        assert.equal(caveat(planDeploy({ ...codeChange, imageEnv: false })), false);
        assert.equal(caveat(planDeploy({ ...codeChange, imageEnv: true })), true);
        assert.equal(caveat(planDeploy(codeChange)), true);
    });

    void test('the CLI text: no null for a new deployment, hashes by their first 12 digits', () => {
        assert.deepEqual(describePlan(planDeploy({ local })).slice(0, 2), [
            'Tier 4: new deployment (inferred)',
            '  tag: "default" (new)',
        ]);
        const plan = planDeploy({
            local: { ...local, file_hash: 'f'.repeat(64) },
            deployed: { ...deployed, file_hash: 'a'.repeat(64) },
            endpoint,
            imageEnv: false,
        });
        assert.deepEqual(describePlan(plan), [
            'Tier 2: code soft-update (inferred)',
            '  file_hash: aaaaaaaaaaaa… -> ffffffffffff…',
        ]);
    });

    void test('new tag names the existing tags', () => {
        const plan = planDeploy({ local: { ...local, tag: 'v2' }, sameName: [deployed] });
        assert.equal(plan.label, 'new tag: new endpoint');
        assert.match(plan.notes[0]!, /tag\(s\) default/);
    });

    void test('without the endpoint row, autoscaling is not compared and a note says so', () => {
        const plan = planDeploy({ local: { ...local, max_workers: 99 }, deployed });
        assert.equal(plan.tier, 0);
        assert.match(plan.notes.join(' '), /autoscaling changes are not shown/);
    });

    void test('normalizeEnv sorts -p tokens only', () => {
        assert.equal(
            normalizeEnv('-p 8000:8000/tcp -p 3000:3000/tcp -e A=1'),
            '-p 3000:3000/tcp -p 8000:8000/tcp -e A=1',
        );
    });
});
