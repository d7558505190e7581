/**
 * Lexical level of the SIP grammar (RFC 3261 section 25): character classes, the scanner with its
 * whitespace rules, parameters, host and escape checks, and the parse error every layer above
 * reports.
 */
package dev.evertone.sip.syntax;
