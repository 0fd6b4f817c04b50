/** The Vast API client: public surface. */
export { requireApiKey, findApiKey, xdgKeyPath, type KeySource } from './auth';
export { VastClient, type ClientOptions, type Req } from './client';
export { ApiError, CancelledError, MissingApiKeyError, RemoteFunctionError, redact, isCancelled } from './errors';
export { realSleep, backoffMs, parseRetryAfter, isRetryableStatus, type Sleep } from './http';
export { startHeartbeat, type Heartbeat } from './heartbeat';
export { RemoteCaller, type InvokeOptions, type InvokeResult } from './remote';
export * from './types';
export { autoscalerUrlFor, DEFAULT_WEBSERVER_URL, isLoopbackUrl, resolveAutoscalerUrl } from './urls';
