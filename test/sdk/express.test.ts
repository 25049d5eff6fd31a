// The Express middleware, in a real Express 5 app listening on loopback, against a real Keyward.
import type { AddressInfo } from "node:net";
import express from "express";
import { keyward } from "../../src/sdk/express.js";
import { describeMiddleware, type Mount } from "./support/middleware-scenarios.js";

const mount: Mount = async (options) => {
  const app = express();
  app.get("/whoami", keyward(options), (req, res) => {
    res.json({ keyward: req.keyward });
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

describeMiddleware("Express", mount);
