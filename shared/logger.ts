// One structured JSON logger for every function; helpers that keep personal data out of it.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'multi-webhook' });

/** Phone numbers are personal data: logs carry only the last four digits. */
export function maskPhone(phoneNumber: string): string {
  return phoneNumber.length <= 4 ? '****' : `${'*'.repeat(phoneNumber.length - 4)}${phoneNumber.slice(-4)}`;
}
