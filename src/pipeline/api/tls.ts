/**
 * Worker TLS: workers serve `https://IP:PORT` with certificates signed by Vast's own CA. Like the SDK, fetch
 * `{webserver}/static/jvastai_root.cer` once and trust it in addition to the default CAs, for worker calls only.
 */
import * as tls from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { call, type Transport } from './http';

/** The certificate as PEM (the file may be PEM or DER). */
export function toPem(raw: string | Uint8Array): string {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1');
    if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
    const der = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : Buffer.from(raw);
    const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
    return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

/** A dispatcher that trusts the default CAs plus Vast's root. The SDK relaxes X509_STRICT for this CA; Node's
 * verifier does not apply that strict flag, so nothing else is needed. */
export function vastAgent(pem: string): Dispatcher {
    return new Agent({ connect: { ca: [...tls.rootCertificates, pem] } });
}

/** Fetches the root certificate (no auth, like the SDK). */
export async function fetchRootCert(t: Transport, url: string, signal?: AbortSignal): Promise<string> {
    const res = await call(t, {
        method: 'GET',
        url,
        what: 'fetch the Vast root certificate',
        parseJson: false,
        signal,
        httpMessage: (status) => `Failed to fetch SSL cert: ${status}`,
    });
    return toPem(res.bytes);
}
