/** Polls an asynchronous condition every 20 ms (work that runs after an ack), up to `timeoutMs`. */
export async function until(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 6000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
