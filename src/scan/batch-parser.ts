// Reads the output of `git cat-file --batch` as it streams: `<oid> <type> <size>\n<content>\n` per
// object, `<name> missing\n` for an unknown one. Each object's content is copied at most once.

export interface BatchObject {
  oid: string;
  type: string;
  data: Buffer;
}

export interface BatchParser {
  push(chunk: Buffer): void;
  /** Throws when the stream ended inside an object. */
  end(): void;
}

interface Header {
  oid: string;
  type: string;
  size: number;
}

export function createBatchParser(onObject: (object: BatchObject) => void, onMissing: (name: string) => void = () => {}): BatchParser {
  let rest: Buffer | null = null;
  let current: Header | null = null;
  let parts: Buffer[] = [];
  let have = 0;

  const finish = (header: Header) => {
    const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
    parts = [];
    have = 0;
    current = null;
    // The content is followed by one LF, which is not part of it.
    onObject({ oid: header.oid, type: header.type, data: whole.subarray(0, header.size) });
  };

  return {
    push(chunk) {
      const data: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = null;
      let at = 0;
      while (at < data.length) {
        if (current) {
          const take = Math.min(current.size + 1 - have, data.length - at);
          parts.push(data.subarray(at, at + take));
          have += take;
          at += take;
          if (have === current.size + 1) finish(current);
          continue;
        }
        const newline = data.indexOf(10, at);
        if (newline < 0) {
          rest = data.subarray(at);
          return;
        }
        const line = data.toString("utf8", at, newline);
        at = newline + 1;
        const fields = line.split(" ");
        if (fields.length === 2 && fields[1] === "missing") {
          onMissing(fields[0]!);
          continue;
        }
        const size = Number(fields[2]);
        if (fields.length !== 3 || !Number.isSafeInteger(size) || size < 0) throw new Error(`unexpected cat-file output: ${JSON.stringify(line.slice(0, 120))}`);
        current = { oid: fields[0]!, type: fields[1]!, size };
      }
    },
    end() {
      if (current || (rest && rest.length > 0)) throw new Error("cat-file output ended in the middle of an object");
    },
  };
}
