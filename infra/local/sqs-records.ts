// What Lambda's SQS event source hands a function, and how it reads the function's answer.
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** A ReceiveMessage result as the SQSRecord Lambda builds from it. */
export function toSqsRecord(message: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: required(message.MessageId, 'MessageId'),
    receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
    body: message.Body ?? '',
    attributes: {
      ...attributes,
      ApproximateReceiveCount: required(attributes.ApproximateReceiveCount, 'ApproximateReceiveCount'),
      SentTimestamp: required(attributes.SentTimestamp, 'SentTimestamp'),
      SenderId: required(attributes.SenderId, 'SenderId'),
      ApproximateFirstReceiveTimestamp: required(attributes.ApproximateFirstReceiveTimestamp, 'ApproximateFirstReceiveTimestamp'),
    } as SQSRecordAttributes,
    messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
  // Lambda sets it only when the message carries attributes.
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** Lambda's camel-case shape; binary values arrive base64-encoded, the list fields always empty. */
function toLambdaAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    result[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
      dataType: required(value.DataType, 'DataType'),
    };
  }
  return result;
}

function required(value: string | undefined, name: string): string {
  // Receiving with All attributes, SQS always sends these; their absence is an emulator bug worth seeing.
  if (value === undefined) throw new Error(`ReceiveMessage returned a message without ${name}.`);
  return value;
}

export type BatchOutcome = { ok: true; failedIds: ReadonlySet<string> } | { ok: false; reason: string };

/**
 * Lambda's rules for ReportBatchItemFailures: no answer or an empty list is full success; an
 * identifier that is empty, null, misnamed or not in the batch fails the whole batch.
 */
export function readBatchResponse(response: unknown, records: readonly SQSRecord[]): BatchOutcome {
  if (response === undefined || response === null) return { ok: true, failedIds: new Set() };
  if (typeof response !== 'object' || Array.isArray(response)) return { ok: false, reason: 'the response is not a batch response object' };
  const failures = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true, failedIds: new Set() };
  if (!Array.isArray(failures)) return { ok: false, reason: 'batchItemFailures is not a list' };
  const inBatch = new Set(records.map((record) => record.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !inBatch.has(id)) {
      return { ok: false, reason: 'a batchItemFailures entry names no message of the batch' };
    }
    failedIds.add(id);
  }
  return { ok: true, failedIds };
}
