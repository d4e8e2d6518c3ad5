/** E-mail addresses given on the command line, checked before anything is sent. */
import { ConfigError } from '../../core/errors.js';

// A deliberately plain check: local part without spaces or address-list syntax, a host name of
// letters, digits, dots and dashes (localhost allowed). Display names are not accepted on the
// command line: they would need quoting rules that are easy to get wrong in a shell.
const LOCAL_PART = /^[^\s@<>(),;:"[\]\\]+$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function isValidAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  return LOCAL_PART.test(address.slice(0, at)) && DOMAIN.test(address.slice(at + 1));
}

/**
 * `a@example.com,b@example.com` -> the addresses; ConfigError naming the flag and every invalid
 * address (one problem per line).
 */
export function parseAddressList(flag: string, text: string): string[] {
  const addresses = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (addresses.length === 0) throw new ConfigError(`${flag}: expected one or more e-mail addresses, got "${text}"`);
  const problems = addresses
    .filter((address) => !isValidAddress(address))
    .map((address) => `${flag}: not an e-mail address: "${address}"`);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), problems);
  return addresses;
}
