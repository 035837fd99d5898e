/**
 * A typed, synchronous event bus. The model emits on it; metrics, traces and the visualiser
 * subscribe. Subscribers never feed back into the model's decisions.
 *
 * `E` maps event names to payload types. Emitters on hot paths check `wants(name)` first so that
 * no payload is built when nobody listens.
 */
export class EventBus<E extends { [name: string]: unknown }> {
  private readonly handlers: { [K in keyof E]?: Array<(payload: E[K]) => void> } = {};

  /**
   * Subscribes; returns the function that unsubscribes. Lists are replaced, never changed in place,
   * so (un)subscribing during an emit affects the next emit only.
   */
  on<K extends keyof E>(name: K, handler: (payload: E[K]) => void): () => void {
    this.handlers[name] = [...(this.handlers[name] ?? []), handler];
    return () => {
      const list = this.handlers[name];
      if (list === undefined) return;
      const i = list.indexOf(handler);
      if (i >= 0) this.handlers[name] = [...list.slice(0, i), ...list.slice(i + 1)];
    };
  }

  /** True when at least one handler listens to `name`. */
  wants<K extends keyof E>(name: K): boolean {
    const list = this.handlers[name];
    return list !== undefined && list.length > 0;
  }

  /** Calls every handler of `name`, in subscription order. */
  emit<K extends keyof E>(name: K, payload: E[K]): void {
    const list = this.handlers[name];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) list[i]!(payload);
  }
}
