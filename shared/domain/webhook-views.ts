// What the GET routes show of a webhook: 360dialog's exact shape, plus an extension key only where
// the webhook uses that extension (`"signing": true`, `"paused": true`), and never a secret.
import type { DestinationHealth } from './destination-health.js';
import type { Destination, WebhookTarget } from './webhook.js';

export interface TargetView {
  url: string;
  headers: Readonly<Record<string, string>>;
  signing?: true;
  paused?: true;
  notices?: true;
}

export function targetView(target: WebhookTarget, health?: DestinationHealth): TargetView {
  return {
    url: target.url,
    headers: target.headers,
    ...(target.signing && { signing: true as const }),
    ...(health?.paused && { paused: true as const }),
    ...(target.notices && { notices: true as const }),
  };
}

export function destinationView(destination: Destination, health?: DestinationHealth): { name: string } & TargetView {
  return { name: destination.name, ...targetView(destination, health) };
}
