// Which APIs hold imported keys, for the verifier: only while some API does may a key that fails the
// format check cost a lookup by hash, and a key found that way counts only if its API holds imported
// keys. Loaded from the store at start; grows when an import marks an API (here, and on other nodes
// through the change bus). With no imports anywhere, the format check stays as strict as ever.
import { isPlausibleImportedKey } from "../core/index.js";

export class ImportedKeyGate {
  /** API id → its workspace. */
  private readonly apiIds = new Map<string, string>();
  private readonly workspaceIds = new Set<string>();
  private loaded: boolean;
  private loading: Promise<void> | null = null;

  /** `source` lists the API ids that hold imported keys; none: nothing is imported (tests, tools). */
  constructor(private readonly source?: () => Promise<Array<{ apiId: string; workspaceId: string }>>) {
    this.loaded = source === undefined;
  }

  /** (Re)reads the set from the store; on failure the known set stays and the next check retries. */
  load(): Promise<void> {
    if (!this.source) return Promise.resolve();
    this.loading ??= this.source().then(
      (held) => {
        for (const { apiId, workspaceId } of held) this.add(apiId, workspaceId);
        this.loaded = true;
        this.loading = null;
      },
      () => {
        this.loading = null;
      },
    );
    return this.loading;
  }

  add(apiId: string, workspaceId: string): void {
    this.apiIds.set(apiId, workspaceId);
    this.workspaceIds.add(workspaceId);
  }

  holds(apiId: string): boolean {
    return this.apiIds.has(apiId);
  }

  /** False at no cost while no API holds imported keys (and the set is known). */
  get active(): boolean {
    return this.apiIds.size > 0 || !this.loaded;
  }

  /**
   * Whether a key that failed the format check is worth a lookup by hash: never for root keys, nor when
   * the verification names an API, or comes from a workspace, that holds no imported keys (there the
   * format check stays strict: noise from another tenant costs no database read).
   */
  async admits(key: string, scope: { apiId?: string; apiKind?: string; workspaceId?: string | null }): Promise<boolean> {
    if (scope.apiKind !== undefined && scope.apiKind !== "customer") return false;
    if (!this.loaded) await this.load();
    if (scope.apiId !== undefined && !this.apiIds.has(scope.apiId)) return false;
    if (scope.workspaceId && !this.workspaceIds.has(scope.workspaceId)) return false;
    return this.apiIds.size > 0 && isPlausibleImportedKey(key);
  }
}
