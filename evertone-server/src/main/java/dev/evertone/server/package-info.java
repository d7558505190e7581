/**
 * Wiring only: one evertone node assembled feature by feature ({@code RegistrarSetup}, {@code
 * TlsSetup}, {@code SipSetup}, {@code StunSetup}, {@code StatusSetup}, {@code HttpSetup}) on what
 * they share ({@code Node}: store, change feed, metrics, maintenance thread), and the commands that
 * run it ({@code serve}, {@code stun}).
 */
package dev.evertone.server;
