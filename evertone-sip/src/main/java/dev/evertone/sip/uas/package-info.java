/** Checks any user agent server makes before acting on a request (RFC 3261 8.2). */
package dev.evertone.sip.uas;
