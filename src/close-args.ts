/** UTF-8 byte length without TextEncoder (not every mini-program base library has it). */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** WeChat's `SocketTask.close` accepts 1000 or 3000–4999, and a reason of at most 123 bytes. */
export function checkCloseArgs(code: number, reason: string): void {
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
    throw new RangeError(`close(code): code must be 1000 or 3000–4999, got ${String(code)}`)
  }
  if (typeof reason !== 'string' || utf8Length(reason) > 123) {
    throw new RangeError('close(code, reason): reason must be a string of at most 123 UTF-8 bytes')
  }
}
