import { isIP } from 'net';

/** Whether `host` (a listen address or a URL's host name) is this machine only. */
export function isLoopback(host: string): boolean {
    const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
    if (bare === 'localhost' || bare === '::1') return true;
    return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * Whether the server may POST replies to `serviceUrl`: a loopback address while `/api/messages` is open for local
 * development (`'loopback'`), otherwise an https URL on one of `hosts` (`*.example.com` allows its subdomains). Checked
 * before any connection is made, so the endpoint cannot be used to reach other machines or scan ports.
 */
export function serviceUrlAllowed(serviceUrl: string, allowed: 'loopback' | readonly string[]): boolean {
    let url: URL;
    try {
        url = new URL(serviceUrl);
    } catch {
        return false;
    }
    if (url.username || url.password) return false;
    if (allowed === 'loopback') return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname);
    if (url.protocol !== 'https:') return false;
    const host = url.hostname.toLowerCase();
    return allowed.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern));
}
