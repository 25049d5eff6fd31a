import { describe, expect, it } from "vitest";
import { checkWebhookUrl, classifyAddress } from "./target-address.js";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:192.168.1.1", "private"],
    ["100.64.0.1", "carrierGradeNat"],
    ["169.254.169.254", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["169.254.1.1", "linkLocal"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.1", "reserved"],
    ["2002:7f00:1::", "6to4"],
    ["64:ff9b::7f00:1", "rfc6052"],
    ["not an address", "invalid"],
  ])("refuses %s (%s)", (address, range) => {
    expect(classifyAddress(address)).toEqual({ ok: false, range });
  });

  it.each(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("allows %s", (address) => {
    expect(classifyAddress(address)).toEqual({ ok: true });
  });
});

describe("checkWebhookUrl", () => {
  const strict = { allowInternal: false };

  it.each([
    ["https://127.0.0.1/hook", "loopback"],
    ["https://[::1]/hook", "loopback"],
    ["https://[::ffff:127.0.0.1]/hook", "loopback"],
    ["https://169.254.169.254/latest/meta-data", "metadata"],
    ["https://2130706433/hook", "loopback"],
    ["https://0x7f000001/hook", "loopback"],
    ["https://0x7f.0.0.1/hook", "loopback"],
    ["https://0177.0.0.1/hook", "loopback"],
    ["https://017700000001/hook", "loopback"],
    ["https://127.1/hook", "loopback"],
    ["https://0/hook", "unspecified"],
    ["https://10.0.0.1:8443/hook", "private"],
    ["https://[fd00:ec2::254]/", "metadata"],
    ["https://2852039166/", "metadata"],
  ])("refuses %s", (url, range) => {
    expect(checkWebhookUrl(url, strict)).toEqual({ ok: false, reason: `points to a ${range} address` });
  });

  it.each([
    ["http://example.com/hook", "must be https"],
    ["ftp://example.com/hook", "must be https"],
    ["https://user:pw@example.com/hook", "must not contain credentials"],
    ["example.com/hook", "not an absolute URL"],
    ["https://[::1/hook", "not an absolute URL"],
  ])("refuses %s: %s", (url, reason) => {
    expect(checkWebhookUrl(url, strict)).toEqual({ ok: false, reason });
  });

  it("passes names on to DNS resolution and public literals through", () => {
    expect(checkWebhookUrl("https://hooks.example.com/in", strict)).toMatchObject({ ok: true, host: "hooks.example.com", literal: false });
    expect(checkWebhookUrl("https://LOCALHOST/in", strict)).toMatchObject({ ok: true, host: "localhost", literal: false });
    expect(checkWebhookUrl("https://1.1.1.1/in", strict)).toMatchObject({ ok: true, host: "1.1.1.1", literal: true });
    expect(checkWebhookUrl("https://[2606:4700:4700::1111]/in", strict)).toMatchObject({ ok: true, host: "2606:4700:4700::1111", literal: true });
  });

  it("allows internal targets and plain http only when told to", () => {
    const internal = { allowInternal: true };
    expect(checkWebhookUrl("http://127.0.0.1:9000/hook", internal)).toMatchObject({ ok: true, host: "127.0.0.1", literal: true });
    expect(checkWebhookUrl("https://[::1]/hook", internal)).toMatchObject({ ok: true, host: "::1" });
    expect(checkWebhookUrl("ftp://127.0.0.1/hook", internal)).toEqual({ ok: false, reason: "must be http or https" });
  });
});
