// The hosts that are this deployment, as a request to it sees them: the one it came in on (the API's
// execute-api host or a custom domain; the local server's address) and the configured SELF_HOSTS.
import type { Config } from '../config.js';
import type { HttpEvent } from './http-handler.js';

/** The names a loopback server answers to, so http://localhost:3000 is the local API as much as 127.0.0.1:3000 is. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function ownHostsOf(event: HttpEvent, config: Pick<Config, 'SELF_HOSTS'>): string[] {
  const arrivedOn = event.requestContext.domainName;
  const configured = config.SELF_HOSTS.split(',')
    .map((host) => host.trim())
    .filter(Boolean);
  const hosts = [arrivedOn, ...configured];
  const port = /^(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(arrivedOn)?.[1];
  if (port) hosts.push(...LOOPBACK_NAMES.map((name) => `${name}:${port}`));
  return hosts;
}
