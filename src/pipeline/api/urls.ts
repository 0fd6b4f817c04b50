/** Base URLs as the SDK picks them (reference §1.0); the table itself lives with the PUT body's `env` string. */
export { autoscalerUrlFor, DEFAULT_WEBSERVER_URL } from '../../shared/packaging/wire';

/** Request paths are appended to base URLs, so a trailing slash the user typed must not double up. */
export function trimSlash(url: string): string {
    return url.replace(/\/+$/, '');
}
