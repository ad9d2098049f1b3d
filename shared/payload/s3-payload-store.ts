// The payload store on S3 (the SQS extended-client pattern): ingest writes, delivery reads.
import type { S3 } from '../aws/clients.js';
import { PayloadUnavailable, payloadKey, payloadPrefix, type PayloadRef, type PayloadStore } from '../domain/payload.js';

export class S3PayloadStore implements PayloadStore {
  constructor(
    private readonly s3: () => Promise<S3>,
    /** Unset where no function offloads (the management API); a put or load then says so. */
    private readonly bucket: string | undefined,
  ) {}

  async put(phoneNumber: string, notificationId: string, payload: string): Promise<PayloadRef> {
    const bucket = this.configuredBucket();
    // The id is derived from the content, so a body Meta sends again overwrites the object with itself.
    const key = payloadKey(phoneNumber, notificationId);
    const { client, sdk } = await this.s3();
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Buffer.from(payload, 'utf8'),
        ContentType: 'application/json; charset=utf-8',
      }),
    );
    return { bucket, key };
  }

  async load(phoneNumber: string, { bucket, key }: PayloadRef): Promise<string> {
    // Only ingest writes payloadRefs, into this bucket and under the number's own prefix: anything
    // else is not this number's to read, whoever put it on the queue.
    if (bucket !== this.configuredBucket()) throw new PayloadUnavailable('payloadRef.bucket is not the payload bucket');
    if (!key.startsWith(payloadPrefix(phoneNumber)) || key.includes('/../')) {
      throw new PayloadUnavailable("payloadRef.key is not under the message's own phone number");
    }
    const { client, sdk } = await this.s3();
    const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
      // S3 reads are strongly consistent: an object missing now was never written, or has expired.
      throw error instanceof sdk.NoSuchKey ? new PayloadUnavailable('payloadRef names no stored payload') : error;
    });
    if (Body === undefined) throw new Error(`The payload object ${key} has no body.`);
    // Buffer rather than transformToString: TextDecoder would drop a leading byte-order mark.
    return Buffer.from(await Body.transformToByteArray()).toString('utf8');
  }

  private configuredBucket(): string {
    if (!this.bucket) throw new Error('PAYLOAD_BUCKET is not set.');
    return this.bucket;
  }
}
