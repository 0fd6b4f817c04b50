/** A VastClient wired to a test server with instant, recorded sleeps and captured log lines. */
import { VastClient, type ClientOptions } from '../../../src/pipeline/api';

export const KEY = 'sk-test-SECRET-0123456789abcdef';

export interface TestClient {
    client: VastClient;
    sleeps: number[];
    logs: string[];
}

export function testClient(url: string, extra: Partial<ClientOptions> = {}): TestClient {
    const sleeps: number[] = [];
    const logs: string[] = [];
    const client = new VastClient({
        apiKey: KEY,
        webserverUrl: url,
        autoscalerUrl: url,
        sleep: async (ms, signal) => {
            sleeps.push(ms);
            if (signal?.aborted) throw signal.reason;
        },
        random: () => 0.5,
        log: (l) => logs.push(l),
        ...extra,
    });
    return { client, sleeps, logs };
}
