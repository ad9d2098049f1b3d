// A loopback UDP DNS server for tests: answers A and AAAA questions from a table the test edits, or never answers.
import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What a name answers: its addresses (A for IPv4, AAAA for IPv6), or 'hang' for silence. */
export type DnsAnswer = string[] | 'hang';

export interface DnsQuestion {
  name: string;
  type: 'A' | 'AAAA' | number;
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, the form `dnsServers` and `Resolver.setServers` take. */
  readonly address: string;
  /** Every question received, in arrival order (retransmissions included). */
  readonly questions: readonly DnsQuestion[];
  /** Sets what a name answers; a name never set answers NXDOMAIN. */
  set(name: string, answer: DnsAnswer): void;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
const HEADER_BYTES = 12;
const RCODE_NXDOMAIN = 3;
const RCODE_FORMERR = 1;
const TTL_SECONDS = 60;

export async function startDnsServer(): Promise<DnsServer> {
  const answers = new Map<string, DnsAnswer>();
  const questions: DnsQuestion[] = [];
  const socket = createSocket('udp4');

  socket.on('message', (query: Buffer, from: RemoteInfo) => {
    const question = parseQuestion(query);
    if (!question) {
      if (query.length >= HEADER_BYTES) socket.send(header(query, RCODE_FORMERR, 0, 0), from.port, from.address);
      return;
    }
    questions.push({ name: question.name, type: typeName(question.type) });
    const answer = answers.get(question.name.toLowerCase());
    if (answer === 'hang') return;
    socket.send(response(query, question, answer), from.port, from.address);
  });

  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    address: `127.0.0.1:${socket.address().port}`,
    questions,
    set: (name, answer) => void answers.set(name.toLowerCase().replace(/\.$/, ''), answer),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

interface ParsedQuestion {
  name: string;
  type: number;
  /** Offset just past the question's class: the question's bytes are query[HEADER_BYTES, end). */
  end: number;
}

/** RFC 1035 4.1.2: the first question's labels, type and class; undefined when the message is not a plain query. */
function parseQuestion(query: Buffer): ParsedQuestion | undefined {
  if (query.length < HEADER_BYTES || query.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let offset = HEADER_BYTES;
  for (;;) {
    const length = query[offset];
    // A query's question is written out in full: a compression pointer (top bits set) is malformed here.
    if (length === undefined || length > 63) return undefined;
    offset += 1;
    if (length === 0) break;
    if (offset + length > query.length) return undefined;
    labels.push(query.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > query.length) return undefined;
  return { name: labels.join('.'), type: query.readUInt16BE(offset), end: offset + 4 };
}

/** The query's header turned into a response's: same id, opcode and RD, with QR, AA and RA set. */
function header(query: Buffer, rcode: number, questionCount: number, answerCount: number): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt16BE(query.readUInt16BE(0), 0);
  const QR = 0x8000;
  const AA = 0x0400;
  const RA = 0x0080;
  const opcodeAndRd = query.readUInt16BE(2) & 0x7900;
  out.writeUInt16BE(QR | opcodeAndRd | AA | RA | rcode, 2);
  out.writeUInt16BE(questionCount, 4);
  out.writeUInt16BE(answerCount, 6);
  return out; // no authority and no additional records
}

function response(query: Buffer, question: ParsedQuestion, answer: string[] | undefined): Buffer {
  if (answer === undefined) return Buffer.concat([header(query, RCODE_NXDOMAIN, 1, 0), query.subarray(HEADER_BYTES, question.end)]);
  // A name with addresses of the other family only answers this type with no records (NODATA).
  const records = answer.filter((address) => (question.type === TYPE_A ? isIPv4(address) : question.type === TYPE_AAAA && isIPv6(address)));
  return Buffer.concat([
    header(query, 0, 1, records.length),
    query.subarray(HEADER_BYTES, question.end),
    ...records.map((address) => record(question.type, address)),
  ]);
}

/** One answer record; its name is a pointer to the question's name at offset 12. */
function record(type: number, address: string): Buffer {
  const data = Buffer.from(ipaddr.parse(address).toByteArray());
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc000 | HEADER_BYTES, 0);
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(CLASS_IN, 4);
  fixed.writeUInt32BE(TTL_SECONDS, 6);
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

function typeName(type: number): DnsQuestion['type'] {
  if (type === TYPE_A) return 'A';
  if (type === TYPE_AAAA) return 'AAAA';
  return type;
}
