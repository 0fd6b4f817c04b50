// The "Versions" rows: the answer read defensively (inferred fields), newest first, current and last healthy marked,
// and the words each row and the group show.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeVersions } from '../../../src/pipeline/run/versions';
import { DESCRIPTION_BUDGET } from '../../../src/extension/views/treeModel';
import {
    shortHash,
    versionRowWords,
    versionsGroupDescription,
    versionsGroupTooltip,
    versionName,
} from '../../../src/extension/views/versionWords';

const NOW = Date.parse('2026-11-30T18:00:00Z');
const T = NOW / 1000;
const H = (c: string) => c.repeat(64);
const RAW = [
    {
        id: 11,
        version: 1,
        file_hash: H('a'),
        created_at: T - 3600,
        status: 'uploaded',
        action: 'created',
        file_size: 2048,
    },
    { id: 12, version: 2, file_hash: H('b'), created_at: T - 600, status: 'uploaded', action: 'soft_update' },
    { id: 13, version: 3, file_hash: H('c'), created_at: T - 30, status: 'awaiting_upload', action: 'soft_update' },
];

void test('normalize: newest first, marks by id, odd rows dropped, times as seconds', () => {
    const v = normalizeVersions([RAW[0], null, 'x', { version: 9 }, RAW[2], RAW[1]], 13, 12);
    assert.deepEqual(
        v.versions.map((r) => [r.id, r.current, r.lastHealthy]),
        [
            [13, true, false],
            [12, false, true],
            [11, false, false],
        ],
    );
    assert.equal(v.currentId, 13);
    assert.equal(v.lastHealthyId, 12);
    const iso = normalizeVersions([{ id: 'v1', created_at: '2026-11-30T17:00:00Z', state: 'ready' }], 'v1', null);
    assert.equal(iso.versions[0]!.createdAt, T - 3600);
    assert.equal(iso.versions[0]!.state, 'ready', 'state read from "state" when there is no "status"');
    assert.equal(iso.versions[0]!.current, true);
    const ms = normalizeVersions([{ id: 1, created_at: NOW }], null, null);
    assert.equal(ms.versions[0]!.createdAt, T, 'milliseconds are recognised');
    assert.equal(ms.versions[0]!.current, false);
});

void test('rows: created time, then the mark, an unusual state, the short hash, as fit the sidebar; tooltip has all', () => {
    const data = normalizeVersions(RAW, 13, 12);
    const [v3, v2, v1] = data.versions.map((r) => versionRowWords(r, data, NOW));
    assert.equal(v3!.label, 'v3 · 30 s ago');
    assert.equal(v3!.description, 'current, not healthy');
    assert.equal(v3!.icon.id, 'warning');
    assert.match(v3!.tooltip, /Current, not healthy yet: .*the last healthy version is v2\./);
    assert.match(v3!.tooltip, /Package: awaiting upload/);
    assert.match(v3!.tooltip, new RegExp(`Code hash \`${H('c')}\``));
    assert.equal(v2!.label, 'v2 · 10 min ago');
    assert.equal(v2!.description, 'last healthy');
    assert.equal(v2!.icon.id, 'history');
    assert.equal(v1!.label, 'v1 · 1 h 0 min ago');
    assert.equal(v1!.description, 'aaaaaaa', 'an uploaded package is the usual state: only the hash');
    assert.match(v1!.tooltip, /\*\*Version 1\*\* \(id 11\)/);
    assert.match(v1!.tooltip, /Created 2026-11-30 17:00:00 UTC/);
    assert.match(v1!.tooltip, new RegExp(`Code hash \`${H('a')}\``));
    assert.match(v1!.tooltip, /Package: uploaded/);
    assert.match(v1!.tooltip, /Made by the first deploy/);
    assert.match(v1!.tooltip, /Package size 2\.0 kB/);
    const healthy = normalizeVersions(RAW, 13, 13);
    const top = versionRowWords(healthy.versions[0]!, healthy, NOW);
    assert.equal(top.description, 'current · ccccccc', 'the green icon says healthy; the state does not fit');
    assert.equal(top.icon.id, 'pass-filled');
    assert.match(top.tooltip, /Current and healthy/);
    const first = normalizeVersions([RAW[0]], 11, null);
    assert.equal(
        versionRowWords(first.versions[0]!, first, NOW).description,
        'current · aaaaaaa',
        'no healthy one yet',
    );
    const evicted = normalizeVersions([{ ...RAW[0], status: 'evicted' }], null, null);
    assert.equal(versionRowWords(evicted.versions[0]!, evicted, NOW).icon.id, 'archive');
});

void test('every row and group description reads whole in the sidebar', () => {
    for (const [cur, ok] of [
        [13, 12],
        [13, 13],
        [11, null],
        [null, null],
    ] as const) {
        const data = normalizeVersions(
            RAW.map((r) => ({ ...r, status: 'some_very_long_state_name' })),
            cur,
            ok,
        );
        for (const r of data.versions) {
            const d = versionRowWords(r, data, NOW).description;
            assert.ok(d.length <= DESCRIPTION_BUDGET, `"${d}"`);
        }
        const g = versionsGroupDescription({ kind: 'ok', data });
        assert.ok(g.length <= DESCRIPTION_BUDGET, `"${g}"`);
    }
});

void test('group: count and the current one, or that the current one is not healthy yet; the tooltip says all', () => {
    const split = { kind: 'ok' as const, data: normalizeVersions(RAW, 13, 12) };
    assert.equal(versionsGroupDescription(split), 'v3 not healthy yet');
    assert.match(versionsGroupTooltip(split), /^3 versions, current v3, last healthy v2\./);
    const healthy = { kind: 'ok' as const, data: normalizeVersions(RAW, 13, 13) };
    assert.equal(versionsGroupDescription(healthy), '3 · current v3');
    assert.match(versionsGroupTooltip(healthy), /^3 versions, current v3 \(healthy\)\./);
    assert.equal(versionsGroupDescription({ kind: 'loading' }), 'loading…');
    assert.equal(versionsGroupDescription({ kind: 'error', reason: 'HTTP 404' }), 'unavailable');
    assert.equal(versionsGroupTooltip({ kind: 'error', reason: 'HTTP 404' }), 'Versions unavailable: HTTP 404');
    assert.equal(versionName({ id: 'abc' }), '#abc');
    assert.equal(shortHash(undefined), undefined);
});
