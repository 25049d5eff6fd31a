// Webhook signing secrets in the Standard Webhooks form: `whsec_` and base64 of 32 random bytes.
import type { RandomBytes } from "../random.js";

export const WEBHOOK_SECRET_PREFIX = "whsec_";

export function createWebhookSecret(random: RandomBytes): string {
  return WEBHOOK_SECRET_PREFIX + Buffer.from(random(32)).toString("base64");
}

/** The secrets that sign a message sent at `now`: the current one, and the previous one during its overlap. */
export function signingSecrets(secrets: { current: string; previous: string | null; previousExpiresAt: Date | null }, now: Date): string[] {
  const overlap = secrets.previous !== null && secrets.previousExpiresAt !== null && secrets.previousExpiresAt.getTime() > now.getTime();
  return overlap ? [secrets.current, secrets.previous!] : [secrets.current];
}
