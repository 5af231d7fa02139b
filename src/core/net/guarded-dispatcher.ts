import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { type AddressRefusal, classifyAddress, describeRefusal } from './address-rules.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to; a test maps names to loopback without real DNS. */
export type LookupAddresses = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** A connection the address rules refused; the request fails with it before any byte is sent. */
export class RefusedAddressError extends Error {
  readonly code = 'ERR_REFUSED_ADDRESS';

  constructor(
    readonly refusal: AddressRefusal,
    readonly hostname: string,
  ) {
    super(`refused: ${describeRefusal(refusal)}`);
    this.name = 'RefusedAddressError';
  }
}

export interface GuardedDispatcherOptions {
  /** Origins used as they are, whatever their address (the image API's own, often private or loopback). */
  allowedOrigins: readonly string[];
  /** Carries requests to the allowed origins (the caller's dispatcher, for tests or proxies); never closed here. */
  trusted?: Dispatcher;
  lookup?: LookupAddresses;
  connectTimeoutMs?: number;
}

export interface GuardedDispatcher {
  /** Compose redirects on top of it: each hop is routed and checked again. */
  readonly dispatcher: Dispatcher;
  /** Closes what this guard created, not `trusted`. */
  close(): Promise<void>;
}

const systemLookupAll: LookupAddresses = (hostname) => systemLookup(hostname, { all: true });

/**
 * A dispatcher that connects only to allowed origins or to public addresses. The check runs in the connector,
 * on the address the socket is opened to: names are resolved once, every address must pass, and the socket
 * goes to the checked address (so DNS cannot answer differently between check and connect). A redirect opens
 * a connection to its own origin, so it passes the same check.
 */
export function createGuardedDispatcher(options: GuardedDispatcherOptions): GuardedDispatcher {
  const allowed = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin));
  const agent = new Agent({
    connect: guardedConnector(allowed, options.lookup ?? systemLookupAll, options.connectTimeoutMs),
  });
  const { trusted } = options;
  const dispatcher =
    trusted === undefined
      ? agent
      : trusted.compose(
          (dispatch) => (dispatchOptions, handler) =>
            allowed.has(originOf(dispatchOptions.origin))
              ? dispatch(dispatchOptions, handler)
              : agent.dispatch(dispatchOptions, handler),
        );
  return { dispatcher, close: () => agent.close() };
}

function guardedConnector(
  allowed: ReadonlySet<string>,
  lookup: LookupAddresses,
  timeout: number | undefined,
): buildConnector.connector {
  const connect = buildConnector(timeout === undefined ? {} : { timeout });
  return (options, callback) => {
    if (options.host !== undefined && allowed.has(`${options.protocol}//${options.host}`)) {
      connect(options, callback);
      return;
    }
    checkedAddress(options.hostname, lookup).then(
      // `host` stays the name, so TLS still sends it (SNI) and checks the certificate against it.
      (address) => connect({ ...options, hostname: address }, callback),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

async function checkedAddress(hostname: string, lookup: LookupAddresses): Promise<string> {
  const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await lookup(hostname);
  const first = addresses[0];
  if (first === undefined) {
    throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  }
  for (const { address } of addresses) {
    const refusal = classifyAddress(address);
    if (refusal) throw new RefusedAddressError(refusal, hostname);
  }
  return first.address;
}

function originOf(origin: Dispatcher.DispatchOptions['origin']): string {
  try {
    return new URL(String(origin)).origin;
  } catch {
    return '';
  }
}

/** The address refusal behind an error, however deep undici wrapped it. */
export function findRefusal(error: unknown): RefusedAddressError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof RefusedAddressError) return current;
    current = current.cause;
  }
  return undefined;
}
