import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
    changedEntries,
    INFERRED_FOOTNOTE,
    planWords,
    stepText,
    type PlanWordsInput,
} from '../../../src/extension/planWords';
import { planDeploy, type LocalState } from '../../../src/shared/plan';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const local: LocalState = {
    name: 'text-embeddings',
    tag: 'default',
    image: 'vastai/base:1',
    file_hash: H2,
    search_params: 'gpu_ram>=12',
    env: '-p 3000:3000',
    min_load: 1000,
};
const deployed = {
    id: 7,
    name: 'text-embeddings',
    tag: 'default',
    image: 'vastai/base:1',
    file_hash: H1,
    search_params: 'gpu_ram>=12',
    env: '-p 3000:3000',
};
const base = (over: Partial<PlanWordsInput>): PlanWordsInput => ({
    plan: planDeploy({ local, deployed, endpoint: { min_load: 1000 } }),
    label: 'text-embeddings',
    where: 'Vast.ai',
    packageFiles: 2,
    image: 'vastai/base:1',
    ...over,
});

void test('a code change: what happens in the title, changed files by name, no hashes, no null, no env note', () => {
    const w = planWords(base({ changedFiles: ['app.py', 'data/stopwords.txt'] }));
    assert.equal(w.title, 'Update the code of text-embeddings on Vast.ai: workers restart one by one');
    assert.match(w.detail, /Code: app\.py, data\/stopwords\.txt/);
    assert.doesNotMatch(w.detail, /[0-9a-f]{64}/);
    assert.doesNotMatch(w.detail, /null/);
    assert.doesNotMatch(w.detail, /Image\.env\(\)/);
    assert.doesNotMatch(w.title, /inferred/i);
    assert.equal(w.detail.split(INFERRED_FOOTNOTE).length, 2, 'the inferred footnote once');
});

void test('the Image.env() note shows only when env values are what changed', () => {
    const w = planWords(base({ changedFiles: ['config.json#envs'] }));
    assert.match(w.detail, /environment variables \(Image\.env\)/);
    assert.match(w.detail, /Note: Image\.env\(\)/);
});

void test('an unknown previous package says the code differs, without hashes', () => {
    const w = planWords(base({}));
    assert.match(w.detail, /Code: the package differs from the deployed one/);
    assert.doesNotMatch(w.detail, /[0-9a-f]{64}/);
});

void test('fields in words: unset values are "not set", never null; storage in GB', () => {
    const plan = planDeploy({
        local: { ...local, file_hash: H1, storage: 32, min_load: 500 },
        deployed: { ...deployed, storage: 16 },
        endpoint: {},
    });
    const w = planWords(base({ plan }));
    assert.match(w.title, /^Replace the workers of text-embeddings/);
    assert.match(w.detail, /Disk: 16 GB → 32 GB/);
    assert.match(w.detail, /min_load: 500 \(was not set\)/);
    assert.doesNotMatch(w.detail, /null|hard update has no action/);
});

void test('a new deployment: no tag bullet; a rename says the old one keeps billing and offers to tear it down', () => {
    const plan = planDeploy({ local });
    const w = planWords(base({ plan, packageFiles: 3, renamedFrom: [{ label: 'old-embeddings', workers: 1 }] }));
    assert.equal(w.title, 'Create text-embeddings on Vast.ai: a new endpoint starts its workers');
    assert.doesNotMatch(w.detail, /tag|null|No deployment named/);
    assert.match(w.detail, /"old-embeddings" was deployed from this file .* keeps running and billing \(1 worker\)/);
    assert.equal(w.tearDownButton, 'Deploy and Tear Down old-embeddings');
});

void test('nothing changed', () => {
    const plan = planDeploy({ local: { ...local, file_hash: H1 }, deployed, endpoint: { min_load: 1000 } });
    const w = planWords(base({ plan }));
    assert.equal(w.button, 'Deploy Anyway');
    assert.match(w.title, /already deployed as is/);
});

void test('changedEntries lists added, removed and changed entries', () => {
    assert.deepEqual(changedEntries({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' }), ['b', 'c', 'd']);
});

void test('step messages never repeat the step name', () => {
    assert.equal(stepText('wait', 'Waiting for a ready worker'), 'Waiting for a ready worker');
    assert.equal(stepText('package', 'Packaging app.py'), 'Packaging app.py');
    assert.equal(
        stepText('register', 'Deployment 3 (soft_update), endpoint 4'),
        'Registering: Deployment 3 (code update), endpoint 4',
    );
});
