// The Keyward gateway: a reverse proxy that verifies API keys in front of an unchanged API.
export * from "./gateway-config-schema.js";
export * from "./load-gateway-config.js";
export * from "./key-checker.js";
export { createEmbeddedChecker, type EmbeddedCheckerOptions } from "./embedded-checker.js";
export { createRemoteChecker, probeRemote, type RemoteCheckerOptions } from "./remote-checker.js";
export { compilePattern, compileRoute, matchRoute, DEFAULT_ROUTE, type GatewayRoute } from "./route-matcher.js";
export { normalizePath } from "./normalize-path.js";
export { listenGateway, startGateway, type GatewayParts, type RunningGateway } from "./start-gateway.js";
