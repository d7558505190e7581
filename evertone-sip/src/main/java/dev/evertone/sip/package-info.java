/**
 * The SIP stack: transports, transactions and authentication, wired together by {@link
 * dev.evertone.sip.SipStack}.
 */
package dev.evertone.sip;
