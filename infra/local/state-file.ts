// Where `npm start` leaves its endpoints, so the keys CLI finds the running local stack.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface LocalStackTarget {
  dynamodbEndpoint: string;
  tableName: string;
}

export function localStackFile(stateDir: string): string {
  return resolve(stateDir, 'local-stack.json');
}

export function writeLocalStackFile(stateDir: string, target: LocalStackTarget): () => void {
  const file = localStackFile(stateDir);
  writeFileSync(file, JSON.stringify(target, null, 2));
  return () => rmSync(file, { force: true });
}

export function readLocalStackFile(stateDir: string): LocalStackTarget | undefined {
  try {
    return JSON.parse(readFileSync(localStackFile(stateDir), 'utf8')) as LocalStackTarget;
  } catch {
    return undefined;
  }
}
