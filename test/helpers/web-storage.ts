/** A WHATWG `Storage` in memory (what sessionStorage is to the console), with a switch that makes every write throw (a full or disabled storage). */
export class WebStorage implements Storage {
  private readonly items = new Map<string, string>()
  /** When true, setItem throws as a full storage does. */
  full = false

  get length(): number {
    return this.items.size
  }

  key(index: number): string | null {
    return Array.from(this.items.keys())[index] ?? null
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }

  setItem(key: string, value: string): void {
    if (this.full) throw new Error('QuotaExceededError')
    this.items.set(key, String(value))
  }

  removeItem(key: string): void {
    this.items.delete(key)
  }

  clear(): void {
    this.items.clear()
  }
}
