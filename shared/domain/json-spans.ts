// Where the parts of a JSON text are, so a copy can be cut out of the sender's own text: every value
// a copy keeps stays as written (a 17-digit id, 1.50 or "\/" are never re-printed by JSON.stringify).

export interface ScalarSpan {
  kind: 'scalar';
  /** Offsets into the text, end exclusive. */
  start: number;
  end: number;
}

export interface MemberSpan {
  /** The decoded key. */
  key: string;
  /** Where the key's opening quote is. */
  start: number;
  value: ValueSpan;
}

export interface ObjectSpan {
  kind: 'object';
  start: number;
  end: number;
  members: MemberSpan[];
}

export interface ArraySpan {
  kind: 'array';
  start: number;
  end: number;
  items: ValueSpan[];
}

/** A container deeper than asked for is a scalar span: its text is kept or dropped as a whole. */
export type ValueSpan = ScalarSpan | ObjectSpan | ArraySpan;

/**
 * The spans of a text that JSON.parse has already accepted (nothing here validates), listing the
 * parts of containers down to `depth` levels. Deeper values, the bulk of a large body, are skipped
 * with indexOf over their strings rather than read character by character.
 */
export function spansOf(text: string, depth: number): ValueSpan {
  const scanner = new Scanner(text);
  return scanner.value(depth);
}

/** The text of a member as the sender wrote it: key, colon and value. */
export function memberText(text: string, member: MemberSpan): string {
  return text.slice(member.start, member.value.end);
}

/** The key and colon of a member, as written, for a member whose value is replaced. */
export function memberKeyText(text: string, member: MemberSpan): string {
  return text.slice(member.start, member.value.start);
}

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  value(depth: number): ValueSpan {
    this.skipWhitespace();
    const start = this.pos;
    const char = this.text[start];
    if ((char === '{' || char === '[') && depth > 0) return char === '{' ? this.object(depth) : this.array(depth);
    if (char === '{' || char === '[') this.skipContainer();
    else if (char === '"') this.skipString();
    else this.skipLiteral();
    return { kind: 'scalar', start, end: this.pos };
  }

  private object(depth: number): ObjectSpan {
    const start = this.pos++;
    const members: MemberSpan[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') return { kind: 'object', start, end: ++this.pos, members };
    for (;;) {
      this.skipWhitespace();
      const keyStart = this.pos;
      this.skipString();
      const key = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
      this.skipWhitespace();
      this.pos++; // the colon
      members.push({ key, start: keyStart, value: this.value(depth - 1) });
      this.skipWhitespace();
      if (this.text[this.pos++] === '}') return { kind: 'object', start, end: this.pos, members };
    }
  }

  private array(depth: number): ArraySpan {
    const start = this.pos++;
    const items: ValueSpan[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') return { kind: 'array', start, end: ++this.pos, items };
    for (;;) {
      items.push(this.value(depth - 1));
      this.skipWhitespace();
      if (this.text[this.pos++] === ']') return { kind: 'array', start, end: this.pos, items };
    }
  }

  /** From an opening quote to just past its closing quote; a quote after an odd run of backslashes is escaped. */
  private skipString(): void {
    let quote = this.pos;
    for (;;) {
      quote = this.text.indexOf('"', quote + 1);
      let backslashes = 0;
      while (this.text[quote - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) break;
    }
    this.pos = quote + 1;
  }

  private skipContainer(): void {
    let open = 0;
    do {
      const char = this.text[this.pos];
      if (char === '"') {
        this.skipString();
        continue;
      }
      if (char === '{' || char === '[') open++;
      else if (char === '}' || char === ']') open--;
      this.pos++;
    } while (open > 0);
  }

  /** Numbers, true, false and null end where a separator or whitespace begins. */
  private skipLiteral(): void {
    while (this.pos < this.text.length && !',}] \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }
}
