/**
 * The autoscaling keywords of `configure_autoscaling(**kw)` (reference §5). They travel at the top level of the
 * `PUT /api/v0/deployments/` body under the same names, and the endpoint keeps them, so packaging, the deploy plan
 * and the emulator all read this one list.
 */
export const AUTOSCALING_FIELDS = [
    'cold_workers',
    'max_workers',
    'min_load',
    'min_cold_load',
    'target_util',
    'cold_mult',
    'max_queue_time',
    'target_queue_time',
    'inactivity_timeout',
    'autoscaler_instance',
] as const;
