// GET /multi_webhook/status: each destination's breaker as a client sees it, from the configuration
// read (the breakers come with it, parked counts included).
import { HEALTHY, type DestinationHealth } from './destination-health.js';
import type { PhoneConfig } from './webhook.js';

interface Entry {
  destination: string;
  role: 'primary' | 'clone';
  /** Whether copies go to it now (clones only while multiple webhooks are enabled). */
  enabled: boolean;
  health: DestinationHealth;
}

export function destinationStatuses(config: PhoneConfig) {
  const healthOf = (key: string) => config.health?.[key] ?? HEALTHY;
  const entries: Entry[] = [
    ...(config.primary ? [{ destination: 'primary', role: 'primary' as const, enabled: true, health: healthOf('') }] : []),
    ...config.destinations.map(({ name }) => ({
      destination: name,
      role: 'clone' as const,
      enabled: config.enabled,
      health: healthOf(name),
    })),
  ];
  return {
    enabled: config.enabled,
    destinations: entries.map(({ destination, role, enabled, health }) => ({
      destination,
      role,
      enabled,
      breaker: health.state,
      paused: health.paused === true,
      consecutiveFailures: health.consecutiveFailures,
      lastStatus: health.lastStatus ?? null,
      lastError: health.lastError ?? null,
      lastLatencyMs: health.lastLatencyMs ?? null,
      parked: health.parked,
      nextProbeAt: health.nextProbeAt === undefined ? null : new Date(health.nextProbeAt).toISOString(),
    })),
  };
}
