// The cat-file --batch reader: the same objects whatever the chunking of the stream.
import { describe, expect, it } from "vitest";
import { createBatchParser, type BatchObject } from "./batch-parser.js";

const entry = (oid: string, type: string, data: string) => `${oid} ${type} ${Buffer.byteLength(data)}\n${data}\n`;
const stream = Buffer.from(
  entry("a".repeat(40), "blob", "hello\nworld") + `${"f".repeat(40)} missing\n` + entry("b".repeat(40), "blob", "") + entry("c".repeat(40), "commit", "tree x\n\nmsg é"),
);

function parse(chunks: Buffer[]): { objects: BatchObject[]; missing: string[] } {
  const objects: BatchObject[] = [];
  const missing: string[] = [];
  const parser = createBatchParser((object) => objects.push({ ...object, data: Buffer.from(object.data) }), (name) => missing.push(name));
  chunks.forEach((chunk) => parser.push(chunk));
  parser.end();
  return { objects, missing };
}

describe("createBatchParser", () => {
  it("reads objects, empty ones and missing names, whatever the chunk boundaries", () => {
    const expected = parse([stream]);
    expect(expected.objects.map((object) => [object.oid[0], object.type, object.data.toString()])).toEqual([
      ["a", "blob", "hello\nworld"],
      ["b", "blob", ""],
      ["c", "commit", "tree x\n\nmsg é"],
    ]);
    expect(expected.missing).toEqual(["f".repeat(40)]);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(parse([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
    expect(parse([...stream].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it("refuses a stream that ends inside an object", () => {
    const parser = createBatchParser(() => {});
    parser.push(stream.subarray(0, 50));
    expect(() => parser.end()).toThrow(/middle of an object/);
  });
});
