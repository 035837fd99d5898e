/**
 * One named event of a bus: its current handlers. Emitters on hot paths keep the channel and test
 * `active` (a plain property read) before building a payload, so an event nobody listens to costs
 * nothing.
 */
export class Channel<T> {
  /** Replaced, never changed in place: (un)subscribing during an emit affects the next emit only. */
  handlers: ReadonlyArray<(payload: T) => void> = [];

  get active(): boolean {
    return this.handlers.length > 0;
  }

  /** Calls every handler, in subscription order. */
  emit(payload: T): void {
    const list = this.handlers;
    for (let i = 0; i < list.length; i++) list[i]!(payload);
  }
}

/**
 * A typed, synchronous event bus. The model emits on it; metrics, traces and the visualiser
 * subscribe. Subscribers never feed back into the model's decisions.
 *
 * `E` maps event names to payload types.
 */
export class EventBus<E extends { [name: string]: unknown }> {
  private readonly channels = new Map<keyof E, Channel<never>>();

  /** The channel of `name` (the same object every time). */
  channel<K extends keyof E>(name: K): Channel<E[K]> {
    let ch = this.channels.get(name) as Channel<E[K]> | undefined;
    if (ch === undefined) {
      ch = new Channel<E[K]>();
      this.channels.set(name, ch as unknown as Channel<never>);
    }
    return ch;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof E>(name: K, handler: (payload: E[K]) => void): () => void {
    const ch = this.channel(name);
    ch.handlers = [...ch.handlers, handler];
    return () => {
      const i = ch.handlers.indexOf(handler);
      if (i >= 0) ch.handlers = [...ch.handlers.slice(0, i), ...ch.handlers.slice(i + 1)];
    };
  }

  /** True when at least one handler listens to `name`. */
  wants<K extends keyof E>(name: K): boolean {
    return this.channel(name).active;
  }

  /** Calls every handler of `name`, in subscription order. */
  emit<K extends keyof E>(name: K, payload: E[K]): void {
    this.channel(name).emit(payload);
  }
}
