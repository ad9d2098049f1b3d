// Every limit of the product, named once.

/** Additional (clone) webhooks per phone number; fixed by the product, like 360dialog's. */
export const MAX_ADDITIONAL_WEBHOOKS = 3;

export const MAX_NAME_LENGTH = 100;
export const MAX_URL_LENGTH = 2048;
export const MAX_HEADERS_PER_WEBHOOK = 20;
/** Sum of the UTF-8 lengths of all names and values of one webhook's headers. */
export const MAX_HEADERS_TOTAL_BYTES = 4096;

/** Management request bodies (3 destinations at their limits fit with room to spare). */
export const MAX_MANAGEMENT_BODY_BYTES = 32 * 1024;
/** Meta's documented maximum for a WhatsApp webhook payload. */
export const MAX_NOTIFICATION_BYTES = 3 * 1024 * 1024;
