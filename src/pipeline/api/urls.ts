/** Base URLs as the SDK picks them (reference §1.0); the table itself lives with the PUT body's `env` string. */
import { autoscalerUrlFor } from '../../shared/packaging/wire';
export { autoscalerUrlFor, DEFAULT_WEBSERVER_URL } from '../../shared/packaging/wire';

/** Request paths are appended to base URLs, so a trailing slash the user typed must not double up. */
export function trimSlash(url: string): string {
    return url.replace(/\/+$/, '');
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for an `http(s)://` URL whose host is the loopback interface (a local emulator). */
export function isLoopbackUrl(url: string | undefined): boolean {
    if (!url) return false;
    try {
        return LOOPBACK_HOSTS.has(new URL(url).hostname);
    } catch {
        return false;
    }
}

/**
 * The autoscaler a client talks to: an explicit URL, else an explicit instance; with neither, a console on loopback
 * (the emulator answers both APIs on one origin) implies the same origin rather than run.vast.ai.
 */
export function resolveAutoscalerUrl(
    webserverUrl: string | undefined,
    instance?: string,
    explicitUrl?: string,
): string {
    if (!explicitUrl && !instance && isLoopbackUrl(webserverUrl)) return trimSlash(webserverUrl!);
    return autoscalerUrlFor(instance, explicitUrl);
}
