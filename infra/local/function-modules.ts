// Loads a functions/<name>.ts module and builds its handler over given services, as its Lambda entry would.
import type { Services } from '../../shared/services.js';

export async function loadFunction<H>(name: string, services: Services): Promise<H> {
  const module = (await import(new URL(`../../functions/${name}.ts`, import.meta.url).href)) as { create?: (services: Services) => H };
  if (typeof module.create !== 'function') throw new Error(`functions/${name}.ts does not export create(services).`);
  return module.create(services);
}
