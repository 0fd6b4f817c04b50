/** Which autoscaler a client talks to: explicit URL, explicit instance, or the loopback console's own origin. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLoopbackUrl, resolveAutoscalerUrl, VastClient } from '../../src/pipeline/api';

void describe('autoscaler URL resolution', () => {
    const cases: [string | undefined, string | undefined, string | undefined, string][] = [
        // console, instance, explicit autoscaler -> expected
        [undefined, undefined, undefined, 'https://run.vast.ai'],
        ['https://console.vast.ai', undefined, undefined, 'https://run.vast.ai'],
        ['http://127.0.0.1:8123', undefined, undefined, 'http://127.0.0.1:8123'],
        ['http://localhost:8123/', undefined, undefined, 'http://localhost:8123'],
        ['http://[::1]:8123', undefined, undefined, 'http://[::1]:8123'],
        ['http://127.0.0.1:8123', undefined, 'http://127.0.0.1:9999', 'http://127.0.0.1:9999'],
        ['http://127.0.0.1:8123', 'alpha', undefined, 'https://run-alpha.vast.ai'],
        ['http://10.0.0.5:8123', undefined, undefined, 'https://run.vast.ai'],
        ['http://127.0.0.1.example.com', undefined, undefined, 'https://run.vast.ai'],
    ];
    for (const [console, instance, explicit, want] of cases) {
        void test(`${console ?? '(default)'} / ${instance ?? '-'} / ${explicit ?? '-'}`, () => {
            assert.equal(resolveAutoscalerUrl(console, instance, explicit), want);
        });
    }

    void test('the client applies it', () => {
        const c = new VastClient({ apiKey: 'k', webserverUrl: 'http://127.0.0.1:4000' });
        assert.equal(c.autoscalerUrl, 'http://127.0.0.1:4000');
        assert.equal(isLoopbackUrl('not a url'), false);
    });
});
