// Key lifecycle over time: the sweeper that announces expiring keys, passed expiries and ended graces.
export { announceExpired, announceExpiring, announceGraceEnd, announceRotationDue } from "./announcements.js";
export { createLifecycleSweeper, DEFAULT_SWEEP_INTERVAL_MS, type LifecycleSweeper, type LifecycleSweeperOptions, type SweepResult } from "./sweeper.js";
