const TOKEN_PATTERNS: readonly RegExp[] = [
  // A credential has a digit or a lower-to-upper case change, so English ("Invalid key format") is left alone.
  /\b(Bearer|Key|Token|Basic|bearer|key|token|basic|BEARER|KEY|TOKEN|BASIC)\s+(?=[A-Za-z._~+/=:-]*(?:\d|[a-z][A-Z]))[A-Za-z0-9._~+/=:-]{6,}/g,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\br8_[A-Za-z0-9]{8,}/g,
  /\b(api[_-]?key|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',&}]{4,}/gi,
  // Credentials in URLs: query parameters that carry keys, and user:password@ before a host.
  /([?&](?:key|api[_-]?key|apikey|token|access[_-]?token|auth|sig|signature|password|secret)=)[^&#\s"']+/gi,
  /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]+@/gi,
]

/**
 * Removes secrets from text that may reach a person: the exact values given
 * (API keys, tokens) and anything that looks like a credential.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]')
  }
  out = out.replace(TOKEN_PATTERNS[0]!, (_m, scheme: string) => `${scheme} [redacted]`)
  out = out.replace(TOKEN_PATTERNS[1]!, '[redacted]').replace(TOKEN_PATTERNS[2]!, '[redacted]')
  out = out.replace(TOKEN_PATTERNS[3]!, (_m, name: string, sep: string) => `${name}${sep}[redacted]`)
  return out.replace(TOKEN_PATTERNS[4]!, '$1[redacted]').replace(TOKEN_PATTERNS[5]!, '$1[redacted]@')
}

/** The first `max` characters of a body, secrets removed, for error messages. */
export function excerpt(text: string, secrets: readonly (string | undefined)[] = [], max = 500): string {
  const clean = redactSecrets(text.trim(), secrets)
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
