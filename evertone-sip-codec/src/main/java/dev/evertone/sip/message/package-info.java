/**
 * Immutable SIP requests and responses: header fields as received, typed values parsed on first
 * use, builders for new messages and the serializer.
 */
package dev.evertone.sip.message;
