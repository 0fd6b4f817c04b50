import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { filterIgnoredLines, readTarGz, sdkHashOfEntries } from '../../src/emulator/tarball';
import { compatCasesDir } from '../helpers/paths';
import { CASES, packCase } from './helpers';

void describe('emulator: SDK hash of an uploaded tarball', () => {
    for (const name of Object.keys(CASES)) {
        void test(`${name}: recomputed file_hash equals the SDK's golden value`, () => {
            const expected = JSON.parse(fs.readFileSync(path.join(compatCasesDir, name, 'expected.json'), 'utf8')) as {
                put: { file_hash: string };
                tar: [string][];
            };
            const packed = packCase(name);
            assert.equal(packed.put.file_hash, expected.put.file_hash, 'the test packer reproduces the SDK');
            const entries = readTarGz(packed.tar);
            assert.deepEqual(entries.map((e) => e.name).sort(), expected.tar.map((t) => t[0]).sort());
            assert.equal(sdkHashOfEntries(entries), expected.put.file_hash);
        });
    }

    void test('archive order of a copied folder does not change the hash (os.walk order is rebuilt)', () => {
        const packed = packCase('copies');
        const entries = readTarGz(packed.tar);
        const inAssets = (n: string): boolean => n === './assets' || n.startsWith('./assets/');
        const assets = entries.filter((e) => inAssets(e.name));
        const tree = [...assets.filter((e) => e.type === 'dir'), ...assets.filter((e) => e.type !== 'dir').reverse()];
        const i = entries.findIndex((e) => inAssets(e.name));
        const others = entries.filter((e) => !inAssets(e.name));
        const dirsFirst = [...others.slice(0, i), ...tree, ...others.slice(i)];
        assert.notDeepEqual(
            dirsFirst.map((e) => e.name),
            entries.map((e) => e.name),
        );
        assert.equal(sdkHashOfEntries(dirsFirst), packed.put.file_hash);
    });

    void test('a different content gives a different hash', () => {
        const entries = readTarGz(packCase('basic').tar);
        entries[1] = { ...entries[1]!, data: Buffer.from('print(1)\n') };
        assert.notEqual(sdkHashOfEntries(entries), packCase('basic').put.file_hash);
    });

    void test('filterIgnoredLines drops only real #!VAST_IGNORE_CHANGES comments', () => {
        const src = [
            'a = 1  #!VAST_IGNORE_CHANGES',
            's = "#!VAST_IGNORE_CHANGES"',
            'NOTE = """',
            'x  #!VAST_IGNORE_CHANGES',
            '"""',
            'b = 2  #   !VAST_IGNORE_CHANGES',
            'c = 3  # !VAST_IGNORE_CHANGES more',
        ].join('\n');
        assert.equal(
            filterIgnoredLines(Buffer.from(src)).toString(),
            [
                's = "#!VAST_IGNORE_CHANGES"',
                'NOTE = """',
                'x  #!VAST_IGNORE_CHANGES',
                '"""',
                'c = 3  # !VAST_IGNORE_CHANGES more',
            ].join('\n'),
        );
    });

    void test('a file that is not gzip is refused', () => {
        assert.throws(() => readTarGz(Buffer.from('not a tarball')), /not a gzip file/);
    });
});
