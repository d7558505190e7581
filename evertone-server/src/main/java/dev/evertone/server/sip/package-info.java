/**
 * What the server does with each SIP request, by method.
 */
package dev.evertone.server.sip;
