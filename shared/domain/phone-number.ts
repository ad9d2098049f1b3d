// Phone numbers as the product keys them: E.164 digits without '+'.

/** 6 to 15 digits. */
export const PHONE_NUMBER_PATTERN = /^[0-9]{6,15}$/;

export function isPhoneNumber(value: string): boolean {
  return PHONE_NUMBER_PATTERN.test(value);
}
