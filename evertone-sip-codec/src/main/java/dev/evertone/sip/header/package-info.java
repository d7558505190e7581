/**
 * Typed header field values, each with its parser: addresses (From, To, Contact, Route), Via, CSeq
 * and authentication headers; and the canonical header names with their compact forms.
 */
package dev.evertone.sip.header;
