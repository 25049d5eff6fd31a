// Which APIs hold imported keys, for the verifier: only while some API does may a key that fails the
// format check cost a lookup by hash, and a key found that way counts only if its API holds imported
// keys. Loaded from the store at start; grows when an import marks an API (here, and on other nodes
// through the change bus). With no imports anywhere, the format check stays as strict as ever.
import { isPlausibleImportedKey } from "../core/index.js";

export class ImportedKeyGate {
  private readonly apiIds = new Set<string>();
  private loaded: boolean;
  private loading: Promise<void> | null = null;

  /** `source` lists the API ids that hold imported keys; none: nothing is imported (tests, tools). */
  constructor(private readonly source?: () => Promise<string[]>) {
    this.loaded = source === undefined;
  }

  /** (Re)reads the set from the store; on failure the known set stays and the next check retries. */
  load(): Promise<void> {
    if (!this.source) return Promise.resolve();
    this.loading ??= this.source().then(
      (ids) => {
        for (const id of ids) this.apiIds.add(id);
        this.loaded = true;
        this.loading = null;
      },
      () => {
        this.loading = null;
      },
    );
    return this.loading;
  }

  add(apiId: string): void {
    this.apiIds.add(apiId);
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
   * the verification names an API that holds no imported keys (there the format check stays strict).
   */
  async admits(key: string, scope: { apiId?: string; apiKind?: string }): Promise<boolean> {
    if (scope.apiKind !== undefined && scope.apiKind !== "customer") return false;
    if (!this.loaded) await this.load();
    if (scope.apiId !== undefined && !this.apiIds.has(scope.apiId)) return false;
    return this.apiIds.size > 0 && isPlausibleImportedKey(key);
  }
}
