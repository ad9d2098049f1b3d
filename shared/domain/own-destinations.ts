// No delivery loops: a webhook may not point at this deployment itself (its API, its ingest), or
// every notification it received would come back in through ingest and go out again, for ever.
import { Invalid } from './errors.js';

/**
 * Refuses any URL whose host (with its port, when it has one) is one of the deployment's own:
 * the host the request came in on, and the hosts configured for the deployment (custom domains).
 */
export function refuseOwnDestinations(urls: readonly (string | undefined)[], ownHosts: readonly string[]): void {
  const own = new Set(ownHosts.map((host) => host.toLowerCase()).filter(Boolean));
  for (const url of urls) {
    if (url === undefined) continue;
    const { host, hostname } = new URL(url);
    if (own.has(host.toLowerCase()) || own.has(hostname.toLowerCase())) {
      throw new Invalid(`A webhook may not point at this service itself (${host}): its deliveries would come back in and loop.`);
    }
  }
}
